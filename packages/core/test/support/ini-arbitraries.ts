// fast-check generators shared by the INI writer's property tests: each test supplies its own text
// alphabets (the round-trip test leans on the characters `ini` escapes), the shapes stay one.
import fc from 'fast-check'
import {
  type ConfigField,
  type ConfigFieldFormat,
  type ConfigValue,
  familyForServices,
  findPortConflict,
  getArchetype,
  SERVICE_SLUGS,
  serviceFitsFamily,
} from '../../src/index.ts'

export interface TextArbitraries {
  /** A value a one-line field holds. */
  line: fc.Arbitrary<string>
  /** A value a textarea holds (newlines allowed). */
  textarea: fc.Arbitrary<string>
}

/** Any value valid for `field`. */
export function arbFieldValue(field: ConfigField, text: TextArbitraries): fc.Arbitrary<ConfigValue> {
  switch (field.type) {
    case 'string':
    case 'password':
      return field.format ? arbFormatted(field.format) : text.line
    case 'textarea':
      return text.textarea
    case 'int':
      return fc.integer({ min: field.min ?? -1000, max: field.max ?? 100000 })
    case 'bool':
      return fc.boolean()
    case 'enum':
      return fc.constantFrom(...(field.options ?? []))
    case 'multi_enum':
      return fc.uniqueArray(fc.constantFrom(...(field.options ?? [])), { minLength: 1 })
  }
}

const arbLoginName = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,31}$/)

/** Text in a field's format (login names; `user:password` pairs, a password holding no comma). */
function arbFormatted(format: ConfigFieldFormat): fc.Arbitrary<string> {
  switch (format) {
    case 'login-name':
      return arbLoginName
    case 'accounts':
      return fc
        .array(fc.tuple(arbLoginName, fc.stringMatching(/^[A-Za-z0-9!@#:._-]{1,20}$/)), {
          minLength: 1,
          maxLength: 4,
        })
        .map((pairs) => pairs.map(([user, password]) => `${user}:${password}`).join(','))
  }
}

/** A decky's service list without port clashes. */
export const arbServices = (maxLength: number): fc.Arbitrary<string[]> =>
  fc
    .uniqueArray(fc.constantFrom(...SERVICE_SLUGS), { minLength: 1, maxLength })
    .filter((services) => !findPortConflict(services))

/**
 * Whether the INI accepts a decky's services for its family (explicit, else its archetype's): the
 * reader refuses services the decky's OS family cannot run, so generated fleets keep to those.
 */
export function servicesFitFamily(decky: {
  services: readonly string[]
  archetype?: string | null | undefined
  osFamily?: string | null | undefined
}): boolean {
  const family = decky.osFamily ?? (decky.archetype ? getArchetype(decky.archetype)?.osFamily : undefined)
  if (!family) return familyForServices(decky.services) !== undefined
  return decky.services.every((service) => serviceFitsFamily(service, family))
}
