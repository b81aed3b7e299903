import { afterAll, describe, expect, it } from 'vitest'
import { createDatabase } from '../src/database.ts'
import type { LogEventInput, LogRow } from '../src/types.ts'
import { databases, event, upgradesFromBefore } from './fixtures.ts'

const T = (second: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, second))
const PROBER = '172.31.77.1'

describe.each(databases())('system traffic on $kind', (provider) => {
  afterAll(() => provider.cleanup())

  it('is stored flagged, makes no attacker or credential, and is shown only behind system:true|any', async () => {
    const { db } = await provider.open()
    await db.logs.ingest([
      // A probe carrying what would otherwise make a credential and a command.
      event({
        timestamp: T(1),
        attackerIp: PROBER,
        eventType: 'auth_attempt',
        rawLine: 'probe',
        fields: { username: 'root', password: 'probe-secret', command: 'id' },
        system: true,
      }),
      event({ timestamp: T(2), attackerIp: PROBER, eventType: 'connect', rawLine: 'probe', system: true }),
      // A real attacker from the very same address, and another one.
      event({ timestamp: T(3), attackerIp: PROBER, eventType: 'connect', rawLine: 'attack' }),
      event({
        timestamp: T(4),
        attackerIp: '198.51.100.7',
        eventType: 'auth_attempt',
        rawLine: 'attack',
        fields: { username: 'admin', password: 'hunter2' },
      }),
    ])
    const search = async (q?: string) => (await db.logs.search({ q, limit: 50 })).rows.map((r) => r.timestamp)
    expect(await search()).toEqual([T(4), T(3)])
    expect(await search('probe')).toEqual([])
    expect(await search('system:true')).toEqual([T(2), T(1)])
    expect(await search('probe system:true')).toEqual([T(2), T(1)])
    expect(await search('system:any')).toEqual([T(4), T(3), T(2), T(1)])
    expect(await search(`attacker:${PROBER} system:any`)).toEqual([T(3), T(2), T(1)])
    expect((await db.logs.search({ q: 'system:true' })).rows.every((row: LogRow) => row.system)).toBe(true)
    expect((await db.logs.search({})).total).toBe(2)
    expect((await db.logs.search({ q: 'connect' })).total).toBe(1)
    expect((await db.logs.search({ q: 'connect system:true' })).total).toBe(1)

    expect(await db.logs.histogram({ bucketMinutes: 1 })).toEqual([{ t: T(0), count: 2 }])
    expect(await db.logs.histogram({ q: `attacker:${PROBER}`, bucketMinutes: 1 })).toEqual([
      { t: T(0), count: 1 },
    ])
    expect(await db.logs.histogram({ q: 'system:true', bucketMinutes: 1 })).toEqual([{ t: T(0), count: 2 }])
    expect(await db.logs.counts(T(30))).toEqual({ logs: 2, logs24h: 2 })
    expect((await db.logs.since(0)).map((row) => row.timestamp)).toEqual([T(3), T(4)])
    expect((await db.logs.since(0, { q: 'system:true' })).map((row) => row.timestamp)).toEqual([T(1), T(2)])

    const attackers = await db.attackers.list({ sort: 'active' })
    const profiles = attackers.rows.map((a) => [a.ip, a.eventCount, a.credentialCount, a.commands])
    expect(profiles.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      [PROBER, 1, 0, []],
      ['198.51.100.7', 1, 1, []],
    ])
    const prober = attackers.rows.find((a) => a.ip === PROBER)
    const detail = await db.attackers.get(prober?.id ?? '')
    expect(detail?.attacker.firstSeen).toEqual(T(3))
    expect(detail?.credentialTotal).toBe(0)
    expect(detail?.recentLogs.map((row) => row.timestamp)).toEqual([T(3)])
  })

  it('cannot be forged by captured text: the system marker is no token an event can produce', async () => {
    const { db } = await provider.open()
    await db.logs.ingest([
      event({
        rawLine: '\u00b7system \u00a6 \u00b7system',
        fields: { '\u00b7': 'system', decnet: 'system' },
      }),
    ])
    expect((await db.logs.search({ q: 'system' })).total).toBe(1)
    expect((await db.logs.search({ q: 'system system:true' })).total).toBe(0)
    expect((await db.logs.search({ q: 'system:true' })).total).toBe(0)
  })

  it('keeps probe sources durably, reads them after an id, and prunes expired ones', async () => {
    const { db } = await provider.open()
    const source = {
      decky: 'd1',
      sourceIp: PROBER,
      sourcePort: 40_001,
      protocol: 'tcp' as const,
      validFrom: T(0),
      validUntil: T(40),
    }
    await db.probeSources.record([
      source,
      { ...source, sourcePort: 40_002, protocol: 'udp', validUntil: T(50) },
    ])
    const all = await db.probeSources.since(0, T(0))
    expect(all.map(({ id: _id, ...rest }) => rest)).toEqual([
      source,
      { ...source, sourcePort: 40_002, protocol: 'udp', validUntil: T(50) },
    ])
    expect(await db.probeSources.since(all[0]?.id ?? 0, T(0))).toHaveLength(1)
    expect(await db.probeSources.since(0, T(45))).toHaveLength(1)
    expect(await db.probeSources.prune(T(45))).toBe(1)
    expect(await db.probeSources.since(0, T(0))).toHaveLength(1)
  })
})

/**
 * An installation from before probes were recorded: readiness windows in Lifecycle rows, probe rows
 * (connection-only, from the prober's address) stored as attack, real attacks around them.
 */
const DEPLOY_D1 = { id: 'op-1', decky: 'd1', startedAt: T(0), completedAt: T(10) }
const DEPLOY_D2 = { id: 'op-2', decky: 'd2', startedAt: T(0), completedAt: T(12) }

const probe = (decky: string, at: number, ip: string, service: string): LogEventInput[] => [
  event({
    timestamp: T(at),
    decky,
    service,
    attackerIp: ip,
    eventType: 'connect',
    fields: { local_port: 22 },
  }),
  event({
    timestamp: T(at + 1),
    decky,
    service,
    attackerIp: ip,
    eventType: 'disconnect',
    fields: { duration_ms: 3, bytes_in: 0 },
  }),
]
const OLD_PROBES = [
  ...probe('d1', 5, PROBER, 'ssh'),
  ...probe('d1', 5, PROBER, 'http'),
  ...probe('d2', 6, '10.9.0.1', 'ssh'),
]
const OLD_ATTACKS: LogEventInput[] = [
  // In d1's readiness window, but this address sent something: not a probe.
  event({ timestamp: T(6), decky: 'd1', attackerIp: '198.51.100.7', eventType: 'connect' }),
  event({
    timestamp: T(7),
    decky: 'd1',
    attackerIp: '198.51.100.7',
    eventType: 'auth_attempt',
    fields: { username: 'root', password: 'toor' },
  }),
  // The prober's address attacking later, outside any window.
  event({ timestamp: T(30), decky: 'd1', service: 'http', attackerIp: PROBER, eventType: 'connect' }),
  event({
    timestamp: T(31),
    decky: 'd1',
    service: 'http',
    attackerIp: PROBER,
    eventType: 'request',
    fields: { path: '/admin' },
  }),
  // A connect-only scan outside any window.
  ...probe('d2', 40, '203.0.113.9', 'ssh'),
]

async function seedOldRows(url: string) {
  // A schema from before migration 0014 has no intelligence tables: store the events without that stage.
  const db = createDatabase(url, { intel: false })
  try {
    await db.logs.ingest(OLD_PROBES)
    await db.logs.ingest(OLD_ATTACKS)
  } finally {
    await db.close()
  }
}

async function expectMigrated(url: string) {
  const db = createDatabase(url)
  try {
    const all = (await db.logs.search({ q: 'system:any', limit: 100 })).rows
    const key = (row: {
      timestamp: Date
      decky: string
      attackerIp: string
      eventType: string
      service: string
    }) => `${row.timestamp.toISOString()} ${row.decky} ${row.service} ${row.attackerIp} ${row.eventType}`
    expect(
      all
        .filter((row) => row.system)
        .map(key)
        .sort(),
    ).toEqual(OLD_PROBES.map(key).sort())
    // Attack rows are untouched: same rows, same content, not flagged.
    const attacks = all.filter((row) => !row.system)
    expect(attacks.map(key).sort()).toEqual(OLD_ATTACKS.map(key).sort())
    for (const row of attacks) {
      const original = OLD_ATTACKS.find((candidate) => key(candidate) === key(row))
      expect(row.fields).toEqual(original?.fields)
    }
    const attackers = (await db.attackers.list({ sort: 'recent' })).rows
    const byIp = new Map(attackers.map((a) => [a.ip, a]))
    // Made only of probe rows: gone (its log rows stay, flagged).
    expect(byIp.has('10.9.0.1')).toBe(false)
    expect([...byIp.keys()].sort()).toEqual(['198.51.100.7', '203.0.113.9', PROBER].sort())
    // The prober's address keeps only its later attack.
    expect(byIp.get(PROBER)).toMatchObject({
      eventCount: 2,
      firstSeen: T(30),
      lastSeen: T(31),
      services: ['http'],
      deckies: ['d1'],
    })
    expect(byIp.get('198.51.100.7')).toMatchObject({
      eventCount: 2,
      credentialCount: 1,
      firstSeen: T(6),
      lastSeen: T(7),
      services: ['ssh'],
      deckies: ['d1'],
    })
    expect(byIp.get('203.0.113.9')).toMatchObject({ eventCount: 2, firstSeen: T(40), lastSeen: T(41) })
    expect(await db.logs.counts(T(60))).toEqual({ logs: OLD_ATTACKS.length, logs24h: OLD_ATTACKS.length })
    // Text search agrees (SQLite decides it in the full-text index, from the migrated searchText).
    expect((await db.logs.search({ q: 'disconnect', limit: 100 })).total).toBe(1)
    expect((await db.logs.search({ q: 'disconnect system:true', limit: 100 })).total).toBe(3)
  } finally {
    await db.close()
  }
}

describe('migration 0009 flags the probe rows already stored and recomputes attackers', () => {
  upgradesFromBefore('0009_probe_sources', {
    // The probes' lifecycle rows as a DECNET before 0009 stored them.
    oldRows: () =>
      [DEPLOY_D1, DEPLOY_D2].map((op) => [
        `INSERT INTO "Lifecycle" (id, "deckyName", operation, status, "startedAt", "updatedAt", "completedAt")
         VALUES ($1, $2, 'deploy', 'succeeded', $3, $4, $4)`,
        [op.id, op.decky, op.startedAt, op.completedAt],
      ]),
    seed: seedOldRows,
    check: expectMigrated,
  })
})
