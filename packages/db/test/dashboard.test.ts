// The overview dashboard's aggregates on both databases: per-bucket per-service counts, top lists,
// first-seen attackers, credentials, sources per region, and "now" (deckies under attack, open
// incidents). System rows (DECNET's own probes) never count.
import { describe, expect, it } from 'vitest'
import { bucketMinutesFor, DASHBOARD_MAX_BUCKETS } from '../src/repos/dashboard.ts'
import type { EnrichmentInput } from '../src/repos/enrichment.ts'
import { incidentFixture } from '../src/testing/incidents.ts'
import { databases, event, freshDatabaseEachTest } from './fixtures.ts'

/** Minute m of 2026-12-03 10:00 UTC. */
const T = (minute: number, second = 0) => new Date(Date.UTC(2026, 11, 3, 10, minute, second))

function geo(ip: string, country: string | null, label: string | null = null): EnrichmentInput {
  return {
    ip,
    label,
    country,
    city: null,
    asn: null,
    org: null,
    geoSource: 'shipped',
    enrichedAt: T(0),
    rdnsStatus: 'skipped',
  }
}

describe('bucket widening', () => {
  it('keeps the asked size while the window fits, else the smallest step that fits', () => {
    expect(bucketMinutesFor(30, 24 * 3_600_000)).toBe(30)
    expect(bucketMinutesFor(1, 24 * 3_600_000)).toBe(5) // 1440 / 500 → 2.88 → 5
    const year = 365 * 86_400_000
    const size = bucketMinutesFor(1440, 3 * year)
    expect(size).toBeGreaterThan(1440)
    expect((3 * year) / 60_000 / size).toBeLessThanOrEqual(DASHBOARD_MAX_BUCKETS)
  })
})

describe.each(databases())('dashboard aggregates on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  async function seed() {
    await fresh.db.logs.ingest([
      // Before the window.
      event({ timestamp: T(0), attackerIp: '198.51.100.9', service: 'ssh', decky: 'web-01' }),
      // 10:10–10:19 bucket (10-minute buckets): ssh ×3, http ×1.
      event({
        timestamp: T(10),
        attackerIp: '8.8.8.8',
        service: 'ssh',
        decky: 'web-01',
        fields: { username: 'root', password: 'toor' },
      }),
      event({
        timestamp: T(11),
        attackerIp: '8.8.8.8',
        service: 'ssh',
        decky: 'web-01',
        fields: { username: 'root', password: 'toor' },
      }),
      event({
        timestamp: T(12),
        attackerIp: '1.1.1.1',
        service: 'ssh',
        decky: 'db-01',
        fields: { username: 'root', password: 'toor' },
      }),
      event({ timestamp: T(19, 59), attackerIp: '10.0.0.5', service: 'http', decky: 'web-01' }),
      // 10:20 bucket: http ×2 (one a private source, one loopback), smb ×1 not yet enriched.
      event({ timestamp: T(20), attackerIp: '10.0.0.5', service: 'http', decky: 'web-01' }),
      event({ timestamp: T(25), attackerIp: '127.0.0.1', service: 'http', decky: 'db-01' }),
      event({ timestamp: T(29), attackerIp: '192.0.2.77', service: 'smb', decky: 'db-01' }),
      // A probe of DECNET's own in the window: never counted.
      event({ timestamp: T(21), attackerIp: '172.31.77.1', service: 'http', decky: 'web-01', system: true }),
      // After the window.
      event({ timestamp: T(40), attackerIp: '8.8.8.8', service: 'ssh', decky: 'web-01' }),
    ])
    await fresh.db.enrichment.save([
      geo('8.8.8.8', 'US'),
      geo('1.1.1.1', 'AU'),
      geo('198.51.100.9', 'FR'),
      geo('10.0.0.5', null, 'private'),
      geo('127.0.0.1', null, 'loopback'),
    ])
  }

  it('counts attack events per bucket and service, and ranks services, deckies and attackers', async () => {
    await seed()
    const view = await fresh.db.dashboard.overview({ from: T(10), to: T(30), bucketMinutes: 10, top: 10 })
    expect(view.bucketMinutes).toBe(10)
    expect(view.events).toBe(7)
    expect(view.attackers).toBe(5)
    expect(view.timeline.map((row) => [row.t.toISOString(), row.service, row.count])).toEqual([
      [T(10).toISOString(), 'http', 1],
      [T(10).toISOString(), 'ssh', 3],
      [T(20).toISOString(), 'http', 2],
      [T(20).toISOString(), 'smb', 1],
    ])
    // Equal counts: by name.
    expect(view.services).toEqual([
      { service: 'http', events: 3 },
      { service: 'ssh', events: 3 },
      { service: 'smb', events: 1 },
    ])
    expect(view.deckies).toEqual([
      { decky: 'web-01', events: 4, attackers: 2 },
      { decky: 'db-01', events: 3, attackers: 3 },
    ])
    expect(view.topAttackers.map((row) => [row.ip, row.events, row.country, row.label])).toEqual([
      ['10.0.0.5', 2, null, 'private'],
      ['8.8.8.8', 2, 'US', null],
      ['1.1.1.1', 1, 'AU', null],
      ['127.0.0.1', 1, null, 'loopback'],
      ['192.0.2.77', 1, null, null],
    ])
    // Each links to its attacker profile.
    const profiles = new Map((await fresh.db.attackers.list({ limit: 100 })).rows.map((a) => [a.ip, a.id]))
    for (const row of view.topAttackers) expect(row.attackerId).toBe(profiles.get(row.ip))

    const limited = await fresh.db.dashboard.overview({ from: T(10), to: T(30), bucketMinutes: 10, top: 1 })
    expect(limited.topAttackers.map((row) => row.ip)).toEqual(['10.0.0.5'])
    expect(limited.deckies.map((row) => row.decky)).toEqual(['web-01'])
    // The totals stay whole when the lists are cut.
    expect(limited.events).toBe(7)
    expect(limited.attackers).toBe(5)
  })

  it('groups sources by country, special-purpose ranges as one private group, unenriched as unknown', async () => {
    await seed()
    const view = await fresh.db.dashboard.overview({ from: T(10), to: T(30), bucketMinutes: 10, top: 10 })
    // Most sources first, then most events, then by name.
    expect(view.regions).toEqual([
      { region: { kind: 'private' }, attackers: 2, events: 3 },
      { region: { kind: 'country', country: 'US' }, attackers: 1, events: 2 },
      { region: { kind: 'country', country: 'AU' }, attackers: 1, events: 1 },
      { region: { kind: 'unknown' }, attackers: 1, events: 1 },
    ])
  })

  it('names attackers first seen in the window and the credentials tried in it', async () => {
    await seed()
    const view = await fresh.db.dashboard.overview({ from: T(10), to: T(30), bucketMinutes: 10, top: 10 })
    // 8.8.8.8 was also seen at 10:40 but first at 10:10: new in the window; 198.51.100.9 was first
    // seen before it.
    expect(view.newAttackers.total).toBe(5)
    expect(view.newAttackers.rows.map((row) => row.ip)).toEqual([
      '192.0.2.77',
      '127.0.0.1',
      '10.0.0.5',
      '1.1.1.1',
      '8.8.8.8',
    ])
    expect(view.newAttackers.rows.find((row) => row.ip === '8.8.8.8')).toMatchObject({
      events: 3,
      country: 'US',
    })
    expect(view.credentials).toEqual([
      { kind: 'password', principal: 'root', secret: 'toor', attempts: 3, attackers: 2 },
    ])
    const later = await fresh.db.dashboard.overview({ from: T(30), to: T(50), bucketMinutes: 10, top: 10 })
    expect(later.newAttackers.total).toBe(0)
    expect(later.credentials).toEqual([])
    expect(later.events).toBe(1)
  })

  it('without a start, covers everything since the first event in at most the bucket cap', async () => {
    await seed()
    const view = await fresh.db.dashboard.overview({ bucketMinutes: 1, top: 10, now: T(45) })
    expect(view.events).toBe(9)
    expect(view.attackers).toBe(6)
    expect(view.timeline.reduce((sum, row) => sum + row.count, 0)).toBe(9)
    expect(view.newAttackers.total).toBe(6)
  })

  it('is empty, not failing, on an empty database', async () => {
    const view = await fresh.db.dashboard.overview({ bucketMinutes: 30, top: 10 })
    expect(view).toMatchObject({ events: 0, attackers: 0, timeline: [], regions: [], credentials: [] })
    expect(await fresh.db.dashboard.now()).toEqual({ underAttack: [], openIncidents: { total: 0, rows: [] } })
  })

  it('lists deckies under attack in the last minutes and the open incidents', async () => {
    await seed()
    const now = await fresh.db.dashboard.now(T(30))
    // 10:25–10:30: db-01 (127.0.0.1, 192.0.2.77); web-01's last attack event was 10:20, its probe
    // at 10:21 is not an attack.
    expect(now.underAttack.map((row) => [row.decky, row.events, row.attackers])).toEqual([['db-01', 2, 2]])
    expect(now.underAttack[0]?.lastSeen.toISOString()).toBe(T(29).toISOString())

    await fresh.db.incidents.inBatch((batch) =>
      batch.saveIncidents([
        incidentFixture(1),
        incidentFixture(2, { state: 'acknowledged' }),
        incidentFixture(3, { severity: 'high' }),
      ]),
    )
    const withIncidents = await fresh.db.dashboard.now(T(30))
    expect(withIncidents.openIncidents.total).toBe(2)
    expect(withIncidents.openIncidents.rows.map((row) => [row.attackerIp, row.severity])).toEqual([
      ['203.0.113.3', 'high'],
      ['203.0.113.1', 'medium'],
    ])
  })
})
