// fast-check generators shared by the INI writer's property tests: each test supplies its own text
// alphabets (the round-trip test leans on the characters `ini` escapes), the shapes stay one.
import fc from 'fast-check'
import { type ConfigField, type ConfigValue, findPortConflict, SERVICE_SLUGS } from '../../src/index.ts'

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
      return text.line
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

/** A decky's service list without port clashes. */
export const arbServices = (maxLength: number): fc.Arbitrary<string[]> =>
  fc
    .uniqueArray(fc.constantFrom(...SERVICE_SLUGS), { minLength: 1, maxLength })
    .filter((services) => !findPortConflict(services))
