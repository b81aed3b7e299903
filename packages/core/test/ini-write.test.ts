// writeFleetIni: what the wizard/CLI render must parse back to exactly the same fleet.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ARCHETYPE_SLUGS,
  type ConfigField,
  type ConfigValue,
  DecnetError,
  DISTRO_SLUGS,
  getService,
  type IniDeckyInput,
  OS_FAMILY_SLUGS,
  parseFleetIni,
  serviceConfigProblem,
  writeFleetIni,
} from '../src/index.ts'
import { arbFieldValue, arbServices, servicesFitFamily } from './support/ini-arbitraries.ts'

const isControl = (c: string): boolean => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f

/** Text the INI can carry on one line: no control characters, no surrounding whitespace. */
const lineText = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((s) => s === s.trim() && ![...s].some(isControl))
/** Multi-line text: tab, CR and LF allowed, other control characters replaced by newlines. */
const textareaText = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 200 })
  .map((s) => [...s].map((c) => (isControl(c) && !'\t\r\n'.includes(c) ? '\n' : c)).join(''))

const text = { line: lineText, textarea: textareaText }
const fieldValue = (field: ConfigField) => arbFieldValue(field, text)

const arbDecky = (name: string): fc.Arbitrary<IniDeckyInput> =>
  fc
    .record({
      amount: fc.integer({ min: 1, max: 3 }),
      services: arbServices(3),
      archetype: fc.option(fc.constantFrom(...ARCHETYPE_SLUGS), { nil: undefined }),
      distro: fc.option(fc.constantFrom(...DISTRO_SLUGS), { nil: undefined }),
      osFamily: fc.option(fc.constantFrom(...OS_FAMILY_SLUGS), { nil: undefined }),
      mutateInterval: fc.option(fc.integer({ min: 1, max: 100000 }), { nil: undefined }),
    })
    .filter(servicesFitFamily)
    .chain((base) => {
      const service = base.services[0] as string
      const fields = getService(service)?.config ?? []
      const config = fc.subarray(fields).chain((chosen) =>
        fc
          .tuple(...chosen.map(fieldValue))
          .map(
            (values): Record<string, ConfigValue> =>
              Object.fromEntries(chosen.map((field, i) => [field.key, values[i] as ConfigValue])),
          )
          // Settings that must hold together (a login list needs accounts) are valid ones only.
          .filter((values) => serviceConfigProblem(service, values) === undefined),
      )
      return config.map((values) => ({
        name,
        ...base,
        serviceConfig: Object.keys(values).length ? { [service]: values } : {},
      }))
    })

const arbFleet = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), { minLength: 1, maxLength: 4 })
  .chain((names) => fc.tuple(...names.map(arbDecky)))

describe('writeFleetIni', () => {
  it('round-trips random fleets through parseFleetIni', () => {
    fc.assert(
      fc.property(arbFleet, (deckies) => {
        const parsed = parseFleetIni(writeFleetIni({ deckies }))
        const expected = deckies.flatMap((d) =>
          Array.from({ length: d.amount ?? 1 }, (_, i) => ({
            name: d.amount === 1 ? d.name : `${d.name}-${String(i + 1).padStart(2, '0')}`,
            services: d.services,
            archetype: d.archetype ?? null,
            distro: d.distro ?? null,
            osFamily: d.osFamily ?? null,
            mutateIntervalMinutes: d.mutateInterval ?? null,
            serviceConfig: d.serviceConfig,
          })),
        )
        expect(parsed.deckies).toMatchObject(expected)
      }),
      { numRuns: 300 },
    )
  })

  it('writes [general], exact persona sections and b64 textareas', () => {
    const ini = writeFleetIni({
      general: { subnet: '10.0.0.0/24', gateway: '10.0.0.1', driver: 'bridge' },
      deckies: [
        {
          name: 'web-01',
          archetype: 'web-server',
          mutateInterval: '2h',
          serviceConfig: { http: { custom_body: '<h1>It works</h1>\n', fake_app: 'wordpress' } },
        },
      ],
    })
    expect(ini).toBe(
      '[general]\nnet = 10.0.0.0/24\ngw = 10.0.0.1\ndriver = bridge\n\n' +
        '[web-01]\narchetype = web-server\nmutate_interval = 2h\n\n' +
        '[web-01.http]\ncustom_body = b64:PGgxPkl0IHdvcmtzPC9oMT4K\nfake_app = wordpress\n',
    )
    expect(parseFleetIni(ini).deckies[0]?.serviceConfig.http?.custom_body).toBe('<h1>It works</h1>\n')
  })

  it.each([
    [{ ssh: { shell: 'zsh' } }, "unknown config key 'shell'"],
    [{ ssh: { user: ' padded ' } }, 'would not read back unchanged'],
    [{ ssh: { user: 'a\nb' } }, 'control characters'],
    [{ http: { http_versions: ['http/2', 'http/2'] } }, 'would not read back unchanged'],
    [{ http: { response_code: 42 } }, 'must be at least 100'],
  ])('refuses config that would not survive the INI: %j', (serviceConfig, fragment) => {
    expect(() =>
      writeFleetIni({ deckies: [{ name: 'a', services: ['ssh', 'http'], serviceConfig }] }),
    ).toThrow(DecnetError)
    expect(() =>
      writeFleetIni({ deckies: [{ name: 'a', services: ['ssh', 'http'], serviceConfig }] }),
    ).toThrow(fragment)
  })
})
