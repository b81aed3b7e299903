import type { DeckyHistoryEntry } from '@decnet/core'
import type { LifecycleRow } from '@decnet/db'

const MAX_SERVICES = 64

function stringOrNull(value: unknown, max: number): string | null {
  return typeof value === 'string' ? value.slice(0, max) : null
}

function servicesOrNull(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null
  return value
    .filter((slug): slug is string => typeof slug === 'string')
    .slice(0, MAX_SERVICES)
    .map((slug) => slug.slice(0, 64))
}

/**
 * One lifecycle row as a line of a decky's history: the lease stays inside; from the payload only who
 * asked and, for a mutation or a service edit, the services before and after (older mutation rows
 * recorded only the former).
 */
export function toHistoryEntry(row: LifecycleRow): DeckyHistoryEntry {
  const mutation = row.operation === 'mutate' || row.operation === 'edit_services'
  return {
    id: row.id,
    operation: row.operation,
    status: row.status,
    attempt: row.attempt,
    error: row.error,
    startedAt: row.startedAt.toISOString(),
    completedAt: row.completedAt ? row.completedAt.toISOString() : null,
    trigger: stringOrNull(row.payload.trigger, 32),
    actor: stringOrNull(row.payload.actor, 128),
    fromServices: mutation ? servicesOrNull(row.payload.previousServices) : null,
    toServices: mutation ? servicesOrNull(row.payload.services) : null,
  }
}
