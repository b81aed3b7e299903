// Incidents as the grouping worker writes them: the row and its 'opened' outbox row, in one batch.
import type { AlertReason } from '@decnet/core'
import type { AlertInput, DecnetDatabase, IncidentWrite } from '@decnet/db'
import { fixtureMinute, incidentFixture } from '@decnet/db/testing'

const T = fixtureMinute

/** Ids in the UUID layout the worker uses; n makes them distinct (and readable in failures). */
export const incidentId = (n: number) => `0190f000-0000-7000-8000-${String(n).padStart(12, '0')}`

/** Incident n: from 203.0.113.n on web-01, active at 10:n–10:n+1 on 2026-12-03, open, medium. */
export function incidentRecord(n: number, overrides: Partial<IncidentWrite> = {}): IncidentWrite {
  return incidentFixture(n, {
    id: incidentId(n),
    decky: 'web-01',
    deckies: ['web-01'],
    eventCount: 2,
    alertCount: 1,
    lastAlertAt: T(n),
    ...overrides,
  })
}

/** The outbox row the worker writes for `incident` (numbered by its alertCount). */
export function incidentAlert(incident: IncidentWrite, reason: AlertReason = 'opened'): AlertInput {
  return {
    idempotencyKey: `${incident.id}:${reason}:${incident.alertCount}`,
    incidentId: incident.id,
    reason,
    severity: incident.severity,
    createdAt: incident.firstSeen.toISOString(),
    title: `${incident.severity}: ${incident.attackerIp} on ${incident.decky}`,
    incident: {
      ...incident,
      firstSeen: incident.firstSeen.toISOString(),
      lastSeen: incident.lastSeen.toISOString(),
      acknowledgedAt: incident.acknowledgedAt?.toISOString() ?? null,
      resolvedAt: incident.resolvedAt?.toISOString() ?? null,
    },
    events: [],
    url: null,
  }
}

/** Writes the incidents and their 'opened' alerts in one transaction, in order, as the worker does. */
export function openIncidents(db: DecnetDatabase, ...incidents: IncidentWrite[]): Promise<number> {
  return db.incidents.inBatch(async (batch) => {
    await batch.saveIncidents(incidents)
    return batch.insertAlerts(incidents.map((incident) => incidentAlert(incident)))
  })
}
