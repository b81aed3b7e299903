// An incident row as the grouping worker writes it, for tests of every layer that reads incidents.
import type { IncidentWrite } from '../repos/incidents.ts'

/** Minute m of 2026-12-03 10:00 UTC: fixtures read as a timeline. */
export const fixtureMinute = (minute: number) => new Date(Date.UTC(2026, 11, 3, 10, minute))

/** UUIDv7-shaped ids; n makes them distinct and readable in failures. */
export const fixtureIncidentId = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`

/** Incident n: from 203.0.113.n on decky-01, active at 10:n–10:n+1, open, medium, no alert yet. */
export function incidentFixture(n: number, overrides: Partial<IncidentWrite> = {}): IncidentWrite {
  return {
    id: fixtureIncidentId(n),
    attackerIp: `203.0.113.${n}`,
    decky: 'decky-01',
    deckies: ['decky-01'],
    services: ['ssh'],
    severity: 'medium',
    reasons: ['login attempt on ssh'],
    state: 'open',
    firstSeen: fixtureMinute(n),
    lastSeen: fixtureMinute(n + 1),
    eventCount: 1,
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    note: null,
    rulesVersion: 1,
    credentials: {},
    alertCount: 0,
    lastAlertAt: null,
    pendingEvents: 0,
    digestDueAt: null,
    updatedAt: fixtureMinute(n + 1),
    ...overrides,
  }
}
