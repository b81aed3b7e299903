// A plan drawn from a seed is reproducible (preview = deploy), and a deploy that would differ from
// its preview because the fleet changed in between is named precisely and refused.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ARCHETYPE_SLUGS,
  assertPlanAsPreviewed,
  type DeployPlan,
  type ExistingDecky,
  isPlanSeed,
  type PlanExpectation,
  parseFleetIni,
  planDeploy,
  planDrift,
  planRandom,
  seededRandom128,
  ZDeployRequest,
  ZPreviewRequest,
} from '../src/index.ts'
import { existingDecky, expectDecnet, LAN } from './support/fixtures.ts'

const NOW = Date.UTC(2026, 11, 3, 12)

function plan(ini: string, seed: string, existing: ExistingDecky[] = [], replaceFleet = false) {
  const result = planDeploy({
    existing,
    network: LAN,
    ini: parseFleetIni(ini),
    replaceFleet,
    random: planRandom(seed),
    now: NOW,
  })
  if (!result.ok) throw result.error
  return result.plan
}

/** What a preview of `p` shows (the shape the wizard sends back as `expected`). */
function expectation(p: DeployPlan<ExistingDecky>): PlanExpectation {
  return {
    create: p.create.map((d) => ({
      name: d.name,
      ip: d.ip,
      mac: d.mac,
      hostname: d.hostname,
      distro: d.distro,
      osFamily: d.osFamily,
      services: d.services,
      hostId: d.hostId,
    })),
    keep: p.keep.map((d) => d.name),
    remove: p.remove.map((d) => d.name),
  }
}

const arbSeed = fc.stringMatching(/^[0-9a-f]{32}$/)
/** 1-6 deckies: archetype ones (fixed services, drawn persona) and service-less ones (drawn services). */
const arbIni = fc
  .array(fc.option(fc.constantFrom(...ARCHETYPE_SLUGS), { nil: null }), { minLength: 1, maxLength: 6 })
  .map((kinds) =>
    kinds.map((archetype, i) => `[d-${i}]\n${archetype ? `archetype = ${archetype}\n` : ''}`).join('\n'),
  )
const arbExisting = fc
  .uniqueArray(fc.integer({ min: 2, max: 60 }), { maxLength: 5 })
  .map((octets) => octets.map((octet) => existingDecky(`old-${octet}`, `192.168.1.${octet}`)))

describe('seeded plans', () => {
  it('the same INI, seed and fleet give the same plan: every draw (services, MAC, host name, persona)', () => {
    fc.assert(
      fc.property(arbIni, arbSeed, arbExisting, (ini, seed, existing) => {
        expect(plan(ini, seed, existing)).toEqual(plan(ini, seed, existing))
        expect(
          planDrift(expectation(plan(ini, seed, existing)), plan(ini, seed, existing), existing),
        ).toEqual([])
      }),
      { numRuns: 60 },
    )
  })

  it('different seeds draw different personas (the seed is really used)', () => {
    fc.assert(
      fc.property(arbSeed, arbSeed, (a, b) => {
        fc.pre(a !== b)
        const ini = '[x]\narchetype = linux-server\n\n[y]\n'
        const first = plan(ini, a).create.map((d) => d.persona.seed)
        const second = plan(ini, b).create.map((d) => d.persona.seed)
        expect(first).not.toEqual(second)
      }),
      { numRuns: 40 },
    )
  })

  it('service-less deckies draw their services from the seed', () => {
    const seeds = ['0'.repeat(32), 'f'.repeat(32), '0123456789abcdef0123456789abcdef', 'deadbeef'.repeat(4)]
    const draws = seeds.map((seed) =>
      JSON.stringify(plan('[a]\n\n[b]\n\n[c]\n', seed).create.map((d) => d.services)),
    )
    // Reproducible per seed, and not the same for every seed.
    expect(
      seeds.map((seed) => JSON.stringify(plan('[a]\n\n[b]\n\n[c]\n', seed).create.map((d) => d.services))),
    ).toEqual(draws)
    expect(new Set(draws).size).toBeGreaterThan(1)
  })

  it('the 128-bit source spreads values over [0, 1) and seeds that differ in one bit diverge', () => {
    const random = seededRandom128([1, 2, 3, 4])
    const values = Array.from({ length: 10_000 }, random)
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThan(1)
    const mean = values.reduce((a, b) => a + b, 0) / values.length
    expect(mean).toBeGreaterThan(0.45)
    expect(mean).toBeLessThan(0.55)
    const a = seededRandom128([0, 0, 0, 0])
    const b = seededRandom128([0, 0, 0, 1])
    expect(Array.from({ length: 4 }, a)).not.toEqual(Array.from({ length: 4 }, b))
  })

  it('accepts only 32 lower-case hex digits as a seed', () => {
    expect(isPlanSeed('0123456789abcdef0123456789abcdef')).toBe(true)
    for (const bad of ['', 'abc', '0123456789ABCDEF0123456789ABCDEF', `${'0'.repeat(32)}0`, 'g'.repeat(32)]) {
      expect(isPlanSeed(bad)).toBe(false)
      expect(() => planRandom(bad)).toThrow(RangeError)
    }
  })
})

describe('a deploy against its preview', () => {
  const SEED = '00112233445566778899aabbccddeeff'
  const INI = '[web-01]\narchetype = linux-server\n\n[web-02]\nservices = http\n'

  it('an IP taken since the preview is named with who holds it now, and the deploy is refused', () => {
    const preview = plan(INI, SEED)
    const first = preview.create[0]
    if (!first) throw new Error('nothing planned')
    const squatter = existingDecky('squatter', first.ip)
    const now = plan(INI, SEED, [squatter])
    const drift = planDrift(expectation(preview), now, [squatter])
    expect(drift).toHaveLength(2) // both auto IPs shift by one
    expect(drift[0]).toContain(`'web-01': IP ${first.ip} → `)
    expect(drift[0]).toContain(`(now held by decky 'squatter')`)
    const error = expectDecnet(
      () => assertPlanAsPreviewed(expectation(preview), now, [squatter]),
      'conflict',
      'the fleet changed since the preview',
    )
    expect(error.message).toContain('Nothing was deployed; preview again')
  })

  it('a host name taken since the preview is named; the rest of the plan stays as previewed', () => {
    const preview = plan(INI, SEED)
    const second = preview.create[1]
    if (!second) throw new Error('nothing planned')
    // Another decky now carries web-02's previewed host name, on an address the plan never drew.
    const rival = existingDecky('rival', '192.168.1.200', { hostname: second.hostname.toUpperCase() })
    const now = plan(INI, SEED, [rival])
    const drift = planDrift(expectation(preview), now, [rival])
    expect(drift).toEqual([
      expect.stringMatching(
        new RegExp(`^'web-02': host name ${second.hostname} → \\S+ \\(now held by decky 'rival'\\)$`),
      ),
    ])
    expect(now.create[0]).toEqual(preview.create[0])
  })

  it('replace mode: a decky added since the preview would be torn down too: refused, named', () => {
    const existing = [existingDecky('web-01', '192.168.1.2')]
    const preview = plan(INI, SEED, existing, true)
    const added = [...existing, existingDecky('late', '192.168.1.50')]
    const now = plan(INI, SEED, added, true)
    expect(planDrift(expectation(preview), now, added)).toEqual(["would also tear down 'late'"])
  })

  it('an unchanged fleet: the deploy is the preview', () => {
    const existing = [existingDecky('old', '192.168.1.9')]
    const preview = plan(INI, SEED, existing)
    expect(() =>
      assertPlanAsPreviewed(expectation(preview), plan(INI, SEED, existing), existing),
    ).not.toThrow()
  })
})

describe('the wire shapes of a seeded deploy', () => {
  it('fleet.deploy takes an optional seed and preview; fleet.preview takes a seed but no preview', () => {
    const seed = '0123456789abcdef0123456789abcdef'
    expect(ZDeployRequest.parse({ ini: '[a]' })).toEqual({ ini: '[a]', replaceFleet: false })
    const row = {
      name: 'a',
      ip: '10.0.0.2',
      mac: '00:0c:29:aa:bb:cc',
      hostname: 'web6',
      distro: 'debian',
      osFamily: 'linux',
      services: ['ssh'],
      hostId: 'local',
      serviceConfig: { ssh: { password: 'x' } },
    }
    const parsed = ZDeployRequest.parse({
      ini: '[a]',
      seed,
      expected: { create: [row], keep: [], remove: [] },
    })
    // Extra keys of a preview row are dropped: only what a deploy must reproduce is kept.
    expect(parsed.expected?.create[0]).not.toHaveProperty('serviceConfig')
    expect(ZDeployRequest.safeParse({ ini: '[a]', seed: 'F'.repeat(32) }).success).toBe(false)
    expect(ZPreviewRequest.safeParse({ ini: '[a]', seed }).success).toBe(true)
    expect(
      ZPreviewRequest.safeParse({ ini: '[a]', seed, expected: { create: [], keep: [], remove: [] } }).success,
    ).toBe(false)
  })
})
