// The INI writer encodes with the `ini` package; our strict reader must read every encoded fleet back
// to the same fleet, and the planner must turn it into the same deckies (what `decnet export fleet`
// promises). Values are drawn heavily from the characters `ini` escapes or quotes (; # = [ " ' \).
import fc from 'fast-check'
import { safe } from 'ini'
import { describe, expect, it } from 'vitest'
import {
  ARCHETYPE_SLUGS,
  type ConfigField,
  type ConfigValue,
  DecnetError,
  DISTRO_SLUGS,
  type GeneralSettings,
  getService,
  type IniDeckyInput,
  type IniFleetInput,
  OS_FAMILY_SLUGS,
  parseFleetIni,
  planDeploy,
  seededRandom,
  serviceConfigProblem,
  writeFleetIni,
} from '../src/index.ts'
import { arbFieldValue, arbServices, servicesFitFamily } from './support/ini-arbitraries.ts'

/** Characters `ini.safe` rewrites, mixed with ordinary and non-ASCII text. */
const INI_SPECIAL = [';', '#', '=', '[', ']', '"', "'", '\\', ':', ' ', '%', '\t']
const textChar = fc.oneof(
  fc.constantFrom(...INI_SPECIAL),
  fc.constantFrom('a', 'Z', '0', '-', '.', '/', 'é', '日', '😀', 'b64:'),
)
/** One line of text as a string field holds it: no control characters, no surrounding blanks. */
const lineText = fc
  .array(textChar, { minLength: 1, maxLength: 30 })
  .map((parts) => parts.join(''))
  .filter((s) => s === s.trim() && s !== '' && !s.includes('\t'))
const textareaText = fc
  .array(fc.oneof(textChar, fc.constantFrom('\n', '\r\n', '\t')), { minLength: 1, maxLength: 60 })
  .map((parts) => parts.join(''))

const text = { line: lineText, textarea: textareaText }
const fieldValue = (field: ConfigField) => arbFieldValue(field, text)

/** Settings for any subset of the decky's services, any subset of each one's fields. */
function arbServiceConfig(
  services: readonly string[],
): fc.Arbitrary<Record<string, Record<string, ConfigValue>>> {
  const configurable = services.filter((service) => (getService(service)?.config.length ?? 0) > 0)
  return fc.subarray(configurable).chain((chosen) =>
    fc
      .tuple(
        ...chosen.map((service) =>
          fc.subarray(getService(service)?.config ?? [], { minLength: 1 }).chain((fields) =>
            fc
              .tuple(...fields.map(fieldValue))
              .map(
                (values): Record<string, ConfigValue> =>
                  Object.fromEntries(fields.map((f, i) => [f.key, values[i] as ConfigValue])),
              )
              // Settings that must hold together (a login list needs accounts) are valid ones only.
              .filter((values) => serviceConfigProblem(service, values) === undefined),
          ),
        ),
      )
      .map((configs) => Object.fromEntries(chosen.map((service, i) => [service, configs[i] ?? {}]))),
  )
}

const SUBNET = { subnet: '10.20.30.0/24', gateway: '10.20.30.1' }

const arbGeneral: fc.Arbitrary<GeneralSettings> = fc.record(
  {
    driver: fc.constantFrom('bridge', 'macvlan', 'ipvlan'),
    interface: fc.constantFrom('eth0', 'ens3', 'br-lan.10'),
    mutateIntervalMinutes: fc.integer({ min: 1, max: 100_000 }),
  },
  { requiredKeys: [] },
)

/** A fully specified decky, as an export writes one (explicit IP, services, distro, OS family). */
const arbExportedDecky = (name: string, ip: string): fc.Arbitrary<IniDeckyInput> =>
  fc
    .record({
      services: arbServices(4),
      archetype: fc.option(fc.constantFrom(...ARCHETYPE_SLUGS), { nil: undefined }),
      distro: fc.constantFrom(...DISTRO_SLUGS),
      osFamily: fc.constantFrom(...OS_FAMILY_SLUGS),
      mutateInterval: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
      host: fc.option(fc.constant('local'), { nil: undefined }),
    })
    .filter(servicesFitFamily)
    .chain((decky) =>
      arbServiceConfig(decky.services).map((serviceConfig) => ({ name, ip, ...decky, serviceConfig })),
    )

/** Decky names include all-digit ones: an object keyed by them would reorder them first. */
const arbNames = fc.uniqueArray(fc.stringMatching(/^(?:[a-z][a-z0-9-]{0,10}|[0-9]{1,4})$/), {
  minLength: 1,
  maxLength: 6,
})
const arbHostOctets = (count: number) =>
  fc.uniqueArray(fc.integer({ min: 2, max: 254 }), { minLength: count, maxLength: count })

const arbExportedFleet: fc.Arbitrary<IniFleetInput> = arbNames.chain((names) =>
  fc.record({
    general: arbGeneral.map((general) => ({ ...general, ...SUBNET })),
    deckies: arbHostOctets(names.length).chain((octets) =>
      fc.tuple(...names.map((name, i) => arbExportedDecky(name, `10.20.30.${octets[i]}`))),
    ),
  }),
)

/** What names a decky and what it runs, as each stage (written, read, planned) holds it. */
const identity = (d: {
  name: string
  ip?: unknown
  services?: unknown
  archetype?: unknown
  distro?: unknown
  osFamily?: unknown
}) => ({
  name: d.name,
  ip: d.ip,
  services: d.services,
  archetype: d.archetype ?? undefined,
  distro: d.distro,
  osFamily: d.osFamily,
})

describe('writeFleetIni encodes with `ini`; the strict reader reads it back', () => {
  it('parses every encoded fleet back to the same fleet, and plans it to the same deckies', () => {
    fc.assert(
      fc.property(arbExportedFleet, fc.integer(), (fleet, seed) => {
        const parsed = parseFleetIni(writeFleetIni(fleet))
        expect(parsed.general).toEqual(fleet.general)
        expect(
          parsed.deckies.map((d) => ({
            ...identity(d),
            mutateInterval: d.mutateIntervalMinutes ?? undefined,
            host: d.host ?? undefined,
            serviceConfig: d.serviceConfig,
          })),
        ).toEqual(fleet.deckies)

        // Planned into an empty fleet on another default network: [general] moves it, and every decky
        // comes out as it went in.
        const result = planDeploy({
          existing: [],
          network: { subnet: '192.168.1.0/24', gateway: '192.168.1.1' },
          ini: parsed,
          replaceFleet: false,
          random: seededRandom(seed),
        })
        if (!result.ok) throw result.error
        expect(result.plan.network).toMatchObject({ ...SUBNET, driver: fleet.general?.driver ?? null })
        expect(
          result.plan.create.map((d) => ({
            ...identity(d),
            mutateIntervalMinutes: d.mutateIntervalMinutes,
            host: d.host,
            serviceConfig: d.serviceConfig,
          })),
        ).toEqual(
          fleet.deckies.map((d) => ({
            ...identity(d),
            mutateIntervalMinutes: d.mutateInterval ?? fleet.general?.mutateIntervalMinutes ?? null,
            host: 'local',
            serviceConfig: d.serviceConfig,
          })),
        )
      }),
      { numRuns: 400 },
    )
  })

  it('writes persona sections by their dotted name, not the `[a\\.b]` of a nested object', () => {
    const ini = writeFleetIni({
      deckies: [
        { name: 'dc-01', services: ['ldap'], serviceConfig: { ldap: { base_dn: 'dc=corp,dc=local' } } },
      ],
    })
    expect(ini).toBe('[dc-01]\nservices = ldap\n\n[dc-01.ldap]\nbase_dn = dc=corp,dc=local\n')
    expect(parseFleetIni(ini).deckies[0]?.serviceConfig.ldap).toEqual({ base_dn: 'dc=corp,dc=local' })
  })

  it.each([
    ['a value with = (ini would JSON-quote it)', 'p=ss'],
    ['a value with ; and # (ini would backslash-escape them)', 'pa;ss#word'],
    ['a value opening with [ (ini would quote it)', '[root]'],
    ['a value in quotes (ini would quote it again)', '"quoted"'],
  ])('writes %s literally, as the reader reads it', (_, password) => {
    const ini = writeFleetIni({
      deckies: [{ name: 'a', services: ['ssh'], serviceConfig: { ssh: { password } } }],
    })
    expect(ini).toContain(`\npassword = ${password}\n`)
    expect(parseFleetIni(ini).deckies[0]?.serviceConfig.ssh?.password).toBe(password)
    // The case is one `ini` alone would have rewritten.
    expect(safe(password)).not.toBe(password)
  })

  it('writes a padded b64 textarea (ini would quote its `=`) so it decodes', () => {
    const ini = writeFleetIni({
      deckies: [{ name: 'w', services: ['http'], serviceConfig: { http: { custom_body: 'a' } } }],
    })
    expect(ini).toContain('\ncustom_body = b64:YQ==\n')
    expect(parseFleetIni(ini).deckies[0]?.serviceConfig.http?.custom_body).toBe('a')
  })

  it('keeps the decky order of the input, all-digit names included', () => {
    const ini = writeFleetIni({ deckies: [{ name: 'web' }, { name: '42' }, { name: '7' }] })
    expect(parseFleetIni(ini).deckies.map((d) => d.name)).toEqual(['web', '42', '7'])
  })

  it('writes the header of a decky without keys (ini writes no empty section)', () => {
    const ini = writeFleetIni({ deckies: [{ name: 'bare' }, { name: 'x', archetype: 'web-server' }] })
    expect(ini).toBe('[bare]\n\n[x]\narchetype = web-server\n')
  })

  it.each([
    ['a line break in a decky key', { name: 'a', distro: 'debian\n[evil]' }, 'line break or control'],
    ['a line break in [general]', { name: 'a' }, 'line break or control'],
    ['a lone surrogate', { name: 'a', archetype: 'x\ud800' }, 'not valid Unicode'],
  ])('refuses %s instead of forging sections', (label, decky, fragment) => {
    const input: IniFleetInput = {
      deckies: [decky],
      ...(label.includes('[general]') ? { general: { interface: 'eth0\nnet = 0.0.0.0/0' } } : {}),
    }
    expect(() => writeFleetIni(input)).toThrow(DecnetError)
    expect(() => writeFleetIni(input)).toThrow(fragment)
  })
})
