// Fuzz: 10,000+ generated INIs built from fleet-INI fragments, hostile names and raw noise.
// Parsing (and planning what parses) must succeed or fail with the typed DecnetError, nothing else.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DECNET_ERROR_CODES,
  type DecnetError,
  isDecnetError,
  parseFleetIni,
  planDeploy,
  seededRandom,
} from '../src/index.ts'
import { existingDecky, LAN } from './support/fixtures.ts'

const sectionNames = fc.oneof(
  fc.constantFrom(
    'general',
    'a',
    'b',
    'web',
    'web-01',
    'a.ssh',
    'a.http',
    'web.http',
    'web.rdp',
    'x.dns',
    '__proto__',
    'constructor',
    'DEFAULT',
    'custom-x',
    'a.b.c',
    'decky.webmail',
    '',
    ' a ',
  ),
  fc.string({ maxLength: 12 }),
)

const keys = fc.oneof(
  fc.constantFrom(
    'ip',
    'services',
    'archetype',
    'distro',
    'nmap_os',
    'nmap-os',
    'mutate_interval',
    'amount',
    'host',
    'net',
    'gw',
    'interface',
    'driver',
    'user',
    'password',
    'nla',
    'response_code',
    'fake_app',
    'http_versions',
    'custom_body',
    'zone_mode',
    '__proto__',
    'constructor',
    'IP',
  ),
  fc.string({ maxLength: 10 }),
)

const values = fc.oneof(
  fc.constantFrom(
    'ssh',
    'ssh,http',
    'smb, rdp',
    'smtp,smtp_relay',
    'linux-server',
    'printer',
    'debian',
    'windows',
    '192.168.1.5',
    '192.168.1.1',
    '192.168.1.255',
    '10.0.0.1',
    '192.168.1.0/24',
    '10.0.0.0/24',
    '1',
    '2',
    '3',
    '0',
    '101',
    '30m',
    '1d',
    'true',
    'false',
    'maybe',
    'wordpress',
    'http/1.1,http/2',
    'b64:PGgxPkl0IHdvcmtzPC9oMT4=',
    'b64:!!',
    'p%ss',
    '%(x)s',
    'ipvlan',
    '',
  ),
  fc.string({ maxLength: 20, unit: 'binary' }),
)

const line = fc.oneof(
  { weight: 3, arbitrary: sectionNames.map((name) => `[${name}]`) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(keys, fc.constantFrom('=', ' = ', ':', '\t=\t'), values)
      .map(([k, d, v]) => `${k}${d}${v}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '# comment', '; comment', '   ', '[', ']', '=', '  indented') },
  { weight: 1, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }) },
)

/** Mostly well-formed fleets (valid keys with plausible values) so planning is exercised too. */
const deckyEntry = fc.oneof(
  fc
    .constantFrom('ssh', 'http', 'ssh,http', 'smb,rdp', 'snmp', 'ssh,smtp', 'SSH')
    .map((v) => `services=${v}`),
  fc.constantFrom('linux-server', 'printer', 'web-server', 'nope').map((v) => `archetype=${v}`),
  fc.integer({ min: 0, max: 12 }).map((v) => `amount=${Math.min(v, 6)}`),
  fc.integer({ min: 0, max: 40 }).map((v) => `ip=192.168.1.${v === 40 ? 255 : v}`),
  fc.constantFrom('ssh', 'snmp', 'http,ftp').map((v) => `services=${v}`),
  fc.constantFrom('linux', 'windows', 'cisco', 'beos').map((v) => `nmap_os=${v}`),
  fc.constantFrom('30', '2h', '0', 'x').map((v) => `mutate_interval=${v}`),
)
const structured = fc
  .uniqueArray(
    fc.tuple(
      fc.constantFrom('a', 'b', 'c', 'web', 'web-01', 'db', 'mail', 'edge'),
      fc.uniqueArray(deckyEntry, { maxLength: 4, selector: (e) => e.split('=')[0] }),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            ['ssh', 'user=bob'],
            ['http', 'fake_app=jenkins'],
            ['http', 'response_code=404'],
            ['rdp', 'nla=false'],
            ['rdp', 'nla=7'],
            ['ssh', 'shell=x'],
          ),
        },
      ),
    ),
    { minLength: 1, maxLength: 5, selector: ([name]) => name },
  )
  .map((sections) =>
    sections
      .map(([name, entries, persona]) =>
        [`[${name}]`, ...entries, ...(persona ? [`[${name}.${persona[0]}]`, persona[1]] : [])].join('\n'),
      )
      .join('\n'),
  )

const ini = fc.oneof(
  { weight: 5, arbitrary: structured },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.array(line, { maxLength: 25 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean())
      .map(([lines, eol, bom]) => `${bom ? '\uFEFF' : ''}${lines.join(eol)}`),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
)

function assertTyped(error: unknown): asserts error is DecnetError {
  if (!isDecnetError(error)) throw new Error(`untyped failure: ${String(error)}`)
  if (!DECNET_ERROR_CODES.includes(error.code) || error.message.length === 0) {
    throw new Error(`malformed DecnetError: ${error.code} ${error.message}`)
  }
}

describe('INI fuzz', () => {
  it('10,000 generated INIs either parse and plan, or fail with the typed error', () => {
    let parsed = 0
    let planned = 0
    const fleet = [existingDecky('a', '192.168.1.5')]
    fc.assert(
      fc.property(ini, fc.boolean(), (text, replaceFleet) => {
        let result: ReturnType<typeof parseFleetIni>
        try {
          result = parseFleetIni(text)
        } catch (error) {
          assertTyped(error)
          return
        }
        parsed++
        const plan = planDeploy({
          existing: fleet,
          network: LAN,
          ini: result,
          replaceFleet,
          random: seededRandom(1),
        })
        if (plan.ok) planned++
        else assertTyped(plan.error)
      }),
      { numRuns: 10_000 },
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // The generator must reach deep enough to exercise planning, not just syntax errors.
    expect(parsed).toBeGreaterThan(1000)
    expect(planned).toBeGreaterThan(500)
  })
})
