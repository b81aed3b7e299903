// Lifecycle events: one row per status a lifecycle row took. Their ids are the durable, global event
// ids subscribers resume from, so they must be handed out in commit order (see appendLifecycleEvents).
import { LIFECYCLE_STATUSES } from '@decnet/core'
import { knownValue } from '../columns.ts'
import type { LifecycleEventModel } from '../generated/client/sqlite/models.ts'
import type { Dialect, RawRow, SqlExecutor } from '../sql.ts'
import { toDate, toNumber } from '../sql.ts'
import type { LifecycleEvent } from '../types.ts'

/** Events kept: older ones are pruned as new ones are written, so the table cannot grow without bound. */
export const LIFECYCLE_EVENTS_KEPT = 50_000

// Arbitrary constant: the advisory lock key that orders event-id allocation with commits on PostgreSQL.
const PG_EVENT_LOCK = 4_271_998_106

export type LifecycleEventRecord = RawRow<LifecycleEventModel>

export function toLifecycleEvent(row: LifecycleEventRecord): LifecycleEvent {
  return {
    id: toNumber(row.id),
    lifecycleId: row.lifecycleId,
    status: knownValue(LIFECYCLE_STATUSES, row.status, 'LifecycleEvent.status'),
    attempt: toNumber(row.attempt),
    error: row.error,
    at: toDate(row.at),
  }
}

export const placeholders = (count: number, offset = 0) =>
  Array.from({ length: count }, (_, index) => `$${offset + index + 1}`).join(', ')

/**
 * Records the current status of each lifecycle row in `lifecycleIds` as a new event; returns the
 * event id by lifecycle id. Call last in the transaction that changed the rows.
 *
 * A resuming subscriber asks for events after the last id it saw, so an id must never become visible
 * after a greater one. SQLite writers are serialised already; on PostgreSQL ids come from a sequence
 * at insert time, and two transactions can commit in the other order. A transaction-scoped advisory
 * lock taken just before the insert orders allocation with commit. It is the last lock taken and held
 * only until commit, so nothing waits on something while holding it (no deadlock).
 */
export async function appendLifecycleEvents(
  sql: SqlExecutor,
  dialect: Dialect,
  lifecycleIds: readonly string[],
  kept = LIFECYCLE_EVENTS_KEPT,
): Promise<Map<string, number>> {
  if (lifecycleIds.length === 0) return new Map()
  if (dialect === 'postgres') await sql.execute(`SELECT pg_advisory_xact_lock(${PG_EVENT_LOCK})`)
  const inserted = await sql.query<{ id: unknown; lifecycleId: string }>(
    `INSERT INTO "LifecycleEvent" ("lifecycleId", "status", "attempt", "error", "at")
     SELECT "id", "status", "attempt", "error", "updatedAt" FROM "Lifecycle"
     WHERE "id" IN (${placeholders(lifecycleIds.length)}) ORDER BY "startedAt", "id"
     RETURNING "id", "lifecycleId"`,
    [...lifecycleIds],
  )
  const eventIds = new Map(inserted.map((row) => [row.lifecycleId, toNumber(row.id)]))
  const newest = Math.max(...eventIds.values())
  // A primary-key range: typically one row per event written.
  await sql.execute('DELETE FROM "LifecycleEvent" WHERE "id" <= $1', [newest - kept])
  return eventIds
}
