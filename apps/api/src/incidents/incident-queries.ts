// Reading incidents for operators: filtered pages, and one incident with its recent events.
import type { IncidentState, Log, Severity } from '@decnet/core'
import type { IncidentRow } from '@decnet/db'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'
import { toLogOutput } from '../logs/log-output.ts'

export type IncidentFilter = {
  states?: IncidentState[] | undefined
  minSeverity?: Severity | undefined
  decky?: string | undefined
  attackerIp?: string | undefined
  from?: string | undefined
  to?: string | undefined
  limit: number
  cursor?: string | undefined
}

/** One page of incidents, most recently active first. */
export async function listIncidents(db: ApiServices['db'], filter: IncidentFilter) {
  const since = filter.from ? new Date(filter.from) : undefined
  const until = filter.to ? new Date(filter.to) : undefined
  if (since && until && since > until) throw new AppError('invalid_input', '`from` is after `to`')
  return db.incidents.list({
    ...(filter.states ? { states: filter.states } : {}),
    ...(filter.minSeverity ? { minSeverity: filter.minSeverity } : {}),
    ...(filter.decky ? { decky: filter.decky } : {}),
    ...(filter.attackerIp ? { attackerIp: filter.attackerIp } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    limit: filter.limit,
    ...(filter.cursor ? { cursor: filter.cursor } : {}),
  })
}

/** The incident with this id, or NOT_FOUND. */
export async function requireIncident(db: ApiServices['db'], id: string): Promise<IncidentRow> {
  const incident = await db.incidents.get(id)
  if (!incident) throw new AppError('not_found', `no incident with id ${id}`)
  return incident
}

/** The incident and its `limit` most recent events (secrets masked unless `revealSecrets`). */
export async function incidentWithEvents(
  db: ApiServices['db'],
  id: string,
  options: { limit: number; revealSecrets: boolean },
): Promise<IncidentRow & { events: Log[]; moreEvents: boolean }> {
  const incident = await requireIncident(db, id)
  const rows = await db.incidents.eventsOf(incident, options.limit + 1)
  return {
    ...incident,
    events: rows.slice(0, options.limit).map((row) => toLogOutput(row, options.revealSecrets)),
    moreEvents: rows.length > options.limit,
  }
}
