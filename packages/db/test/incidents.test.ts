import { describe, expect, it } from 'vitest'
import { ConflictError, NotFoundError } from '../src/errors.ts'
import type { IncidentWrite } from '../src/repos/incidents.ts'
import { fixtureMinute, incidentFixture } from '../src/testing/incidents.ts'
import type { AlertInput } from '../src/types.ts'
import { databases, event, freshDatabaseEachTest } from './fixtures.ts'

const T = fixtureMinute

/** One attacker (203.0.113.7) active 10:00–10:01 with three events; tests override the rest. */
function incident(id: string, overrides: Partial<IncidentWrite> = {}): IncidentWrite {
  return incidentFixture(7, {
    id,
    firstSeen: T(0),
    lastSeen: T(1),
    updatedAt: T(1),
    eventCount: 3,
    ...overrides,
  })
}

function alert(key: string, incidentId: string | null): AlertInput {
  return {
    idempotencyKey: key,
    incidentId,
    reason: 'opened',
    severity: 'medium',
    createdAt: T(2).toISOString(),
    title: 'medium: 203.0.113.7 tried to log in to decky-01 (ssh)',
    incident: {
      ...incident(incidentId ?? 'x'),
      firstSeen: T(0).toISOString(),
      lastSeen: T(1).toISOString(),
      acknowledgedAt: null,
      resolvedAt: null,
    },
    events: [],
    url: null,
  }
}

// Fixed ids in UUID layout (the list cursor carries one).
const ID = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`

describe.each(databases())('incidents repository on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('the batch transaction saves incidents, alerts and the cursor together, or nothing', async () => {
    await fresh.db.incidents.inBatch(async (batch) => {
      expect(await batch.cursor('incidents')).toBe(0)
      await batch.saveIncidents([incident(ID(1))])
      expect(await batch.insertAlerts([alert('k1', ID(1))])).toBe(1)
      await batch.setCursor('incidents', 42, T(2))
    })
    await expect(
      fresh.db.incidents.inBatch(async (batch) => {
        await batch.saveIncidents([incident(ID(2))])
        await batch.insertAlerts([alert('k2', ID(2))])
        await batch.setCursor('incidents', 99, T(3))
        throw new Error('crash before commit')
      }),
    ).rejects.toThrow('crash before commit')
    expect((await fresh.db.incidents.list()).rows.map((row) => row.id)).toEqual([ID(1)])
    expect((await fresh.db.incidents.alertsAfter(0)).map((row) => row.idempotencyKey)).toEqual(['k1'])
    expect(await fresh.db.incidents.inBatch((batch) => batch.cursor('incidents'))).toBe(42)
  })

  it('an alert key is written once; alertsAfter pages in id order with the message id = row id', async () => {
    await fresh.db.incidents.inBatch(async (batch) => {
      await batch.saveIncidents([incident(ID(1))])
      expect(await batch.insertAlerts([alert('a', ID(1)), alert('b', ID(1))])).toBe(2)
      expect(await batch.insertAlerts([alert('a', ID(1)), alert('c', ID(1))])).toBe(1)
      await batch.insertAlerts([{ ...alert('d', ID(1)), severity: 'high' }])
      const severities = await batch.lastAlertSeverities([ID(1), ID(2)])
      expect([...severities]).toEqual([[ID(1), 'high']])
    })
    const all = await fresh.db.incidents.alertsAfter(0)
    expect(all.map((row) => row.idempotencyKey)).toEqual(['a', 'b', 'c', 'd'])
    expect(all.map((row) => row.message.id)).toEqual(all.map((row) => String(row.id)))
    expect(all[0]?.message.title).toContain('203.0.113.7')
    const after = await fresh.db.incidents.alertsAfter(all[0]?.id ?? 0, 1)
    expect(after.map((row) => row.idempotencyKey)).toEqual(['b'])
    expect((await fresh.db.incidents.alertsOf(ID(1))).length).toBe(4)
    expect(await fresh.db.incidents.addAlert({ ...alert('test-1', null), reason: 'test' })).toMatchObject({
      reason: 'test',
      incidentId: null,
    })
    expect(await fresh.db.incidents.addAlert({ ...alert('test-1', null), reason: 'test' })).toBeNull()
  })

  it('lists with filters and keyset paging, most recent first', async () => {
    await fresh.db.incidents.inBatch((batch) =>
      batch.saveIncidents([
        incident(ID(1), { lastSeen: T(10), severity: 'low' }),
        incident(ID(2), { lastSeen: T(20), severity: 'high', deckies: ['decky-01', 'decky-02'] }),
        incident(ID(3), { lastSeen: T(20), severity: 'critical', attackerIp: '198.51.100.1' }),
        incident(ID(4), { lastSeen: T(30), severity: 'medium', state: 'resolved' }),
      ]),
    )
    const first = await fresh.db.incidents.list({ limit: 2 })
    expect(first.total).toBe(4)
    expect(first.rows.map((row) => row.id)).toEqual([ID(4), ID(3)])
    const second = await fresh.db.incidents.list({ limit: 2, cursor: first.nextCursor })
    expect(second.rows.map((row) => row.id)).toEqual([ID(2), ID(1)])
    expect(second.nextCursor).toBeUndefined()
    expect((await fresh.db.incidents.list({ minSeverity: 'high' })).rows.map((row) => row.id)).toEqual([
      ID(3),
      ID(2),
    ])
    expect((await fresh.db.incidents.list({ states: ['open'] })).total).toBe(3)
    expect((await fresh.db.incidents.list({ decky: 'decky-02' })).rows.map((row) => row.id)).toEqual([ID(2)])
    expect((await fresh.db.incidents.list({ attackerIp: '198.51.100.1' })).rows.map((row) => row.id)).toEqual(
      [ID(3)],
    )
    expect((await fresh.db.incidents.list({ since: T(20) })).total).toBe(3)
    // Operators never see the worker's bookkeeping.
    expect(first.rows[0]).not.toHaveProperty('alertCount')
  })

  it('acknowledge and resolve record who, when and a note; resolved cannot be acknowledged', async () => {
    await fresh.db.incidents.inBatch((batch) => batch.saveIncidents([incident(ID(1))]))
    const acked = await fresh.db.incidents.acknowledge(ID(1), 'alice', 'looking', T(5))
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'alice', note: 'looking' })
    expect(acked.acknowledgedAt?.toISOString()).toBe(T(5).toISOString())
    const resolved = await fresh.db.incidents.resolve(ID(1), 'bob', null, T(6))
    expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: 'bob', note: 'looking' })
    await expect(fresh.db.incidents.acknowledge(ID(1), 'alice')).rejects.toBeInstanceOf(ConflictError)
    await expect(fresh.db.incidents.resolve(ID(1), 'alice')).rejects.toBeInstanceOf(ConflictError)
    await expect(fresh.db.incidents.resolve(ID(9), 'alice')).rejects.toBeInstanceOf(NotFoundError)
    expect(await fresh.db.incidents.get(ID(1))).toMatchObject({ state: 'resolved', acknowledgedBy: 'alice' })
  })

  it('ignore rules: add, list, duplicate refused, remove', async () => {
    const rule = await fresh.db.incidents.addIgnoreRule({
      kind: 'cidr',
      value: '10.0.0.0/8',
      createdBy: 'alice',
    })
    await fresh.db.incidents.addIgnoreRule({
      kind: 'scanner',
      value: 'masscan',
      createdBy: 'alice',
      note: 'noise',
    })
    await expect(
      fresh.db.incidents.addIgnoreRule({ kind: 'cidr', value: '10.0.0.0/8', createdBy: 'bob' }),
    ).rejects.toBeInstanceOf(ConflictError)
    expect((await fresh.db.incidents.listIgnoreRules()).map((r) => r.value)).toEqual([
      '10.0.0.0/8',
      'masscan',
    ])
    expect(await fresh.db.incidents.removeIgnoreRule(rule.id)).toMatchObject({ kind: 'cidr' })
    expect(await fresh.db.incidents.removeIgnoreRule(rule.id)).toBeNull()
    expect(await fresh.db.incidents.inBatch((batch) => batch.ignoreRules())).toHaveLength(1)
  })

  it('hasWork: rows after the cursor or a due digest, read without a write', async () => {
    expect(await fresh.db.incidents.hasWork('incidents', T(0))).toBe(false)
    await fresh.db.logs.ingest([event({ timestamp: T(1) })])
    expect(await fresh.db.incidents.hasWork('incidents', T(0))).toBe(true)
    const [row] = await fresh.db.logs.since(0)
    await fresh.db.incidents.inBatch((batch) => batch.setCursor('incidents', row?.id ?? 0, T(1)))
    expect(await fresh.db.incidents.hasWork('incidents', T(0))).toBe(false)
    await fresh.db.incidents.inBatch((batch) => batch.saveIncidents([incident(ID(1), { digestDueAt: T(5) })]))
    expect(await fresh.db.incidents.hasWork('incidents', T(4))).toBe(false)
    expect(await fresh.db.incidents.hasWork('incidents', T(5))).toBe(true)
  })

  it('the worker reads attack rows after its cursor (never system rows) and the latest incident per IP', async () => {
    await fresh.db.logs.ingest([
      event({ timestamp: T(1) }),
      event({ timestamp: T(2), system: true, attackerIp: '127.0.0.1' }),
      event({ timestamp: T(3), attackerIp: '198.51.100.1' }),
    ])
    await fresh.db.incidents.inBatch(async (batch) => {
      const rows = await batch.logsAfter(0, 10)
      expect(rows.map((row) => row.attackerIp)).toEqual(['203.0.113.7', '198.51.100.1'])
      expect(await batch.logsAfter(rows[0]?.id ?? 0, 10)).toHaveLength(1)
      expect((await batch.recentLogs('203.0.113.7', 5)).map((row) => row.attackerIp)).toEqual(['203.0.113.7'])
      await batch.saveIncidents([
        incident(ID(1), { lastSeen: T(1) }),
        incident(ID(2), { lastSeen: T(9) }),
        incident(ID(3), { lastSeen: T(1), attackerIp: '198.51.100.1', digestDueAt: T(4) }),
      ])
      const latest = await batch.latestIncidents(['203.0.113.7', '198.51.100.1', '192.0.2.1'], T(0))
      expect(latest.get('203.0.113.7')?.id).toBe(ID(2))
      expect(latest.get('198.51.100.1')?.id).toBe(ID(3))
      expect(latest.has('192.0.2.1')).toBe(false)
      expect((await batch.latestIncidents(['198.51.100.1'], T(2))).size).toBe(0)
      expect((await batch.dueDigests(T(5), 10)).map((row) => row.id)).toEqual([ID(3)])
      expect(await batch.dueDigests(T(3), 10)).toHaveLength(0)
    })
  })
})
