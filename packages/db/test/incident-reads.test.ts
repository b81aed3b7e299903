// The incidents repository's reads for the API: the time range of a listing, the ids the new-incident
// stream resumes from, and an incident's events from the Log table.
import { describe, expect, it } from 'vitest'
import type { IncidentWrite } from '../src/repos/incidents.ts'
import { fixtureIncidentId, fixtureMinute, incidentFixture } from '../src/testing/incidents.ts'
import type { AlertInput } from '../src/types.ts'
import { databases, event, freshDatabaseEachTest } from './fixtures.ts'

const T = fixtureMinute
const ID = fixtureIncidentId
const incident = incidentFixture

describe.each(databases())('incident reads on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)
  const save = (incidents: IncidentWrite[]) =>
    fresh.db.incidents.inBatch((batch) => batch.saveIncidents(incidents))

  it('lists incidents active within a time range (last seen ≥ since, first seen ≤ until)', async () => {
    // Active 10:00–10:01, 10:10–10:11, 10:20–10:21.
    await save([incident(0), incident(10), incident(20)])
    const ids = async (range: { since?: Date; until?: Date }) =>
      (await fresh.db.incidents.list(range)).rows.map((row) => row.id)
    expect(await ids({ since: T(5), until: T(15) })).toEqual([ID(10)])
    expect(await ids({ until: T(10) })).toEqual([ID(10), ID(0)])
    expect(await ids({ since: T(11) })).toEqual([ID(20), ID(10)])
    expect((await fresh.db.incidents.list({ until: T(10) })).total).toBe(2)
  })

  it("reads incidents opened or reopened after an outbox row, in commit order, by their 'opened' alerts", async () => {
    expect(await fresh.db.incidents.newestAlertId()).toBe(0)
    const alertOf = (record: IncidentWrite, reason: 'opened' | 'escalated', n: number): AlertInput => ({
      idempotencyKey: `${record.id}:${reason}:${n}`,
      incidentId: record.id,
      reason,
      severity: record.severity,
      createdAt: record.firstSeen.toISOString(),
      title: 't',
      incident: {
        ...record,
        firstSeen: record.firstSeen.toISOString(),
        lastSeen: record.lastSeen.toISOString(),
        acknowledgedAt: null,
        resolvedAt: null,
      },
      events: [],
      url: null,
    })
    // Committed in this order: 3 opens, 1 opens, 3 escalates, 2 opens, 3 reopens.
    await fresh.db.incidents.inBatch(async (batch) => {
      await batch.saveIncidents([incident(3), incident(1), incident(2)])
      await batch.insertAlerts([alertOf(incident(3), 'opened', 1), alertOf(incident(1), 'opened', 1)])
      await batch.insertAlerts([alertOf(incident(3), 'escalated', 2), alertOf(incident(2), 'opened', 1)])
      await batch.insertAlerts([alertOf(incident(3), 'opened', 3)])
    })
    const newest = await fresh.db.incidents.newestAlertId()
    const opened = await fresh.db.incidents.incidentsOpenedAfter(0)
    expect(opened.map((o) => o.incident.id)).toEqual([ID(3), ID(1), ID(2), ID(3)])
    expect(opened.map((o) => o.eventId)).toEqual([newest - 4, newest - 3, newest - 1, newest])
    expect((await fresh.db.incidents.incidentsOpenedAfter(newest - 4, 1)).map((o) => o.incident.id)).toEqual([
      ID(1),
    ])
    expect(await fresh.db.incidents.incidentsOpenedAfter(newest)).toEqual([])
    // The operator's view: none of the worker's bookkeeping columns.
    expect(opened[0]?.incident).not.toHaveProperty('credentials')
    expect(opened[0]?.incident).not.toHaveProperty('alertCount')
  })

  it("an incident's events: its source's attack rows within its time span, newest first, never system rows", async () => {
    const ip = '198.51.100.9'
    await fresh.db.logs.ingest([
      event({ attackerIp: ip, timestamp: T(4), rawLine: 'before' }),
      event({ attackerIp: ip, timestamp: T(5), rawLine: 'first' }),
      event({ attackerIp: ip, timestamp: T(6), rawLine: 'second', decky: 'decky-02' }),
      event({ attackerIp: ip, timestamp: T(6), rawLine: 'probe', system: true }),
      event({ attackerIp: '198.51.100.10', timestamp: T(6), rawLine: 'someone else' }),
      event({ attackerIp: ip, timestamp: T(7), rawLine: 'third' }),
      event({ attackerIp: ip, timestamp: T(9), rawLine: 'after' }),
    ])
    const span = { attackerIp: ip, firstSeen: T(5), lastSeen: T(7) }
    const lines = (rows: { rawLine: string }[]) => rows.map((row) => row.rawLine)
    expect(lines(await fresh.db.incidents.eventsOf(span))).toEqual(['third', 'second', 'first'])
    expect(lines(await fresh.db.incidents.eventsOf(span, 2))).toEqual(['third', 'second'])
  })
})
