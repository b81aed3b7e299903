// Property-based tests (fast-check) for allocation, additive planning and pickNewServices.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ARCHETYPE_SLUGS,
  broadcastOf,
  formatIpv4,
  freeAddresses,
  networkContains,
  parseFleetIni,
  parseIpv4,
  pickNewServices,
  planDeploy,
  resolveNetwork,
  SERVICE_SLUGS,
  seededRandom,
  servicePool,
} from '../src/index.ts'
import { existingDecky, LAN } from './support/fixtures.ts'

/** A random network: prefix /22../30 somewhere in 10.0.0.0/8, with gateway and host inside it. */
const arbNetwork = fc
  .record({
    prefix: fc.integer({ min: 22, max: 30 }),
    seed: fc.integer({ min: 0, max: 0xffffff }),
    gwOffset: fc.nat(),
    hostOffset: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ prefix, seed, gwOffset, hostOffset }) => {
    const size = 2 ** (32 - prefix)
    const base = ((10 << 24) >>> 0) + ((seed * size) % 2 ** 24)
    const pick = (offset: number) => formatIpv4(base + 1 + (offset % (size - 2)))
    return {
      subnet: `${formatIpv4(base)}/${prefix}`,
      gateway: pick(gwOffset),
      hostIp: hostOffset === undefined ? null : pick(hostOffset),
    }
  })

describe('allocation', () => {
  it('never yields a reserved, duplicate or out-of-subnet address', () => {
    fc.assert(
      fc.property(arbNetwork, fc.array(fc.nat(), { maxLength: 40 }), (context, reservedOffsets) => {
        const resolved = resolveNetwork(context)
        if (!resolved.ok) throw new Error(resolved.reason)
        const { network, gateway, hostIp } = resolved.network
        const reserved = new Set(
          reservedOffsets.map((o) => formatIpv4(network.base + (o % 2 ** (32 - network.prefix)))),
        )
        const ips = [...freeAddresses(resolved.network, reserved)]
        expect(new Set(ips).size).toBe(ips.length)
        // Plain checks in the loop (expect() per address is far too slow for thousands of IPs).
        let previous = -1
        const bad = ips.filter((ip) => {
          const value = parseIpv4(ip) as number
          const wrong =
            !networkContains(network, value) ||
            value === network.base ||
            value === broadcastOf(network) ||
            value === gateway ||
            value === hostIp ||
            reserved.has(ip) ||
            value <= previous
          previous = value
          return wrong
        })
        expect(bad).toEqual([])
        // Every usable address not reserved is offered: nothing is skipped without a reason.
        const usable =
          2 ** (32 - network.prefix) - 2 - 1 - (hostIp === undefined || hostIp === gateway ? 0 : 1)
        const reservedUsable = [...reserved].filter((ip) => {
          const v = parseIpv4(ip) as number
          return v !== network.base && v !== broadcastOf(network) && v !== gateway && v !== hostIp
        }).length
        expect(ips.length).toBe(usable - reservedUsable)
      }),
      { numRuns: 300 },
    )
  })
})

/** Existing fleet on LAN: distinct names and IPs in .2–.99 (the host is .100). */
const arbFleet = fc
  .uniqueArray(fc.integer({ min: 2, max: 99 }), { maxLength: 30 })
  .map((octets) => octets.map((o) => existingDecky(`old-${o}`, `192.168.1.${o}`)))

/** INI sections named from a small alphabet so they sometimes collide with the fleet. */
const arbIni = fc
  .uniqueArray(
    fc.record({
      name: fc.oneof(
        fc.integer({ min: 2, max: 99 }).map((o) => `old-${o}`),
        fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/),
      ),
      amount: fc.integer({ min: 1, max: 5 }),
      ip: fc.option(fc.integer({ min: 2, max: 254 }), { nil: undefined }),
      archetype: fc.option(fc.constantFrom(...ARCHETYPE_SLUGS), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 8, selector: (s) => s.name },
  )
  .map((sections) =>
    sections
      .map((s) => {
        const lines = [`[${s.name}]`]
        if (s.amount > 1) lines.push(`amount=${s.amount}`)
        else if (s.ip !== undefined) lines.push(`ip=192.168.1.${s.ip}`)
        if (s.archetype) lines.push(`archetype=${s.archetype}`)
        return lines.join('\n')
      })
      .join('\n\n'),
  )

describe('additive planning', () => {
  it('never removes or alters an existing decky, and new deckies avoid every held name and IP', () => {
    fc.assert(
      fc.property(arbFleet, arbIni, fc.integer(), (fleet, ini, seed) => {
        const snapshot = structuredClone(fleet)
        let parsed: ReturnType<typeof parseFleetIni>
        try {
          parsed = parseFleetIni(ini)
        } catch {
          return // e.g. an explicit gateway IP: rejected before planning, nothing to check
        }
        const result = planDeploy({
          existing: fleet,
          network: LAN,
          ini: parsed,
          replaceFleet: false,
          random: seededRandom(seed),
        })
        expect(fleet).toEqual(snapshot)
        if (!result.ok) {
          expect(['conflict', 'invalid_ini']).toContain(result.error.code)
          return
        }
        const { plan } = result
        expect(plan.remove).toEqual([])
        expect(plan.keep).toEqual(fleet)
        for (const [i, kept] of plan.keep.entries()) expect(kept).toBe(fleet[i])
        const heldNames = new Set(fleet.map((d) => d.name))
        const heldIps = new Set([
          ...fleet.map((d) => d.ip),
          '192.168.1.0',
          '192.168.1.1',
          '192.168.1.100',
          '192.168.1.255',
        ])
        const ips = plan.create.map((d) => d.ip)
        expect(new Set(ips).size).toBe(ips.length)
        for (const d of plan.create) {
          expect(heldNames.has(d.name)).toBe(false)
          expect(heldIps.has(d.ip)).toBe(false)
          expect(d.ip.startsWith('192.168.1.')).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('pickNewServices', () => {
  const arbDecky = fc.record({
    archetype: fc.oneof(fc.constantFrom(...ARCHETYPE_SLUGS), fc.constant(null), fc.constant('unknown-arch')),
    services: fc.uniqueArray(fc.constantFrom(...SERVICE_SLUGS), { minLength: 1, maxLength: 4 }),
  })

  it('is non-empty, at most 3, within the pool, and differs whenever the pool allows', () => {
    fc.assert(
      fc.property(arbDecky, fc.integer(), (decky, seed) => {
        const pool = servicePool(decky.archetype)
        const picked = pickNewServices(decky, seededRandom(seed))
        expect(picked.length).toBeGreaterThanOrEqual(1)
        expect(picked.length).toBeLessThanOrEqual(3)
        expect(new Set(picked).size).toBe(picked.length)
        for (const s of picked) expect(pool).toContain(s)
        const current = new Set<string>(decky.services)
        const same = picked.length === current.size && picked.every((s) => current.has(s))
        const anotherSubsetExists = pool.length > 1 || !(current.size === 1 && current.has(pool[0] as string))
        if (anotherSubsetExists) expect(same).toBe(false)
      }),
      { numRuns: 1000 },
    )
  })

  it('keeps its guarantees even with a degenerate random source', () => {
    fc.assert(
      fc.property(arbDecky, fc.constantFrom(0, 0.5, 0.999999), (decky, constant) => {
        const picked = pickNewServices(decky, () => constant)
        const pool = servicePool(decky.archetype)
        expect(picked.length).toBeGreaterThanOrEqual(1)
        for (const s of picked) expect(pool).toContain(s)
        const current = new Set(decky.services)
        if (pool.length > 1)
          expect(picked.length === current.size && picked.every((s) => current.has(s))).toBe(false)
      }),
      { numRuns: 300 },
    )
  })
})
