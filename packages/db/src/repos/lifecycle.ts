// Lifecycle: the runner's durable, lease-based queue.
import { LIFECYCLE_OPERATIONS, LIFECYCLE_STATUSES, LOCAL_HOST_ID, parseObject } from '@decnet/core'
import type { Connection } from '../client.ts'
import { knownValue, pickColumns, readColumns } from '../columns.ts'
import type { LifecycleModel } from '../generated/client/sqlite/models.ts'
import type { RawRow, SqlExecutor } from '../sql.ts'
import { toDate, toNumber, toOptionalDate, toOptionalNumber } from '../sql.ts'
import type { LifecycleEvent, LifecycleRow, LifecycleRowWithEvent, LifecycleTransitionRow } from '../types.ts'
import {
  appendLifecycleEvents,
  type LifecycleEventRecord,
  placeholders,
  toLifecycleEvent,
} from './lifecycle-events.ts'

export interface ClaimOptions {
  /** Identifies the runner process holding the lease. */
  owner: string
  /** How long the lease lasts before the row may be claimed again. */
  leaseMs: number
  /** At most this many rows. */
  limit: number
  /** A row whose lease expired this many times is failed instead of claimed again. */
  maxAttempts: number
  /** Only rows of this host (rows without a host are the local host's); every host when absent. */
  hostId?: string
  now?: Date
}

type LifecycleRecord = RawRow<LifecycleModel>

function toLifecycleRow(row: LifecycleRecord): LifecycleRow {
  return {
    ...pickColumns(row, ['id', 'deckyName', 'hostId', 'error', 'leaseOwner']),
    operation: knownValue(LIFECYCLE_OPERATIONS, row.operation, 'Lifecycle.operation'),
    status: knownValue(LIFECYCLE_STATUSES, row.status, 'Lifecycle.status'),
    attempt: toNumber(row.attempt),
    payload: parseObject(row.payload),
    ...readColumns(row, ['startedAt', 'updatedAt'], toDate),
    ...readColumns(row, ['leaseUntil', 'completedAt'], toOptionalDate),
  }
}

// A row is claimable when pending, or running with an expired lease (its runner died). Only the
// oldest unfinished row of each decky is claimable, so a decky's operations run in commit order.
const claimableWhere = `
  (l."status" = 'pending' OR (l."status" = 'running' AND l."leaseUntil" < $3))
  AND l."attempt" < $4
  AND NOT EXISTS (
    SELECT 1 FROM "Lifecycle" o
    WHERE o."deckyName" = l."deckyName" AND o."status" IN ('pending', 'running')
      AND (o."startedAt" < l."startedAt" OR (o."startedAt" = l."startedAt" AND o."id" < l."id")))`

// Rows committed before hosts existed carry no host id: they belong to the local host.
const rowHost = (alias: string) => `COALESCE(${alias}"hostId", '${LOCAL_HOST_ID}')`

const byStart = (a: LifecycleRow, b: LifecycleRow) =>
  a.startedAt.getTime() - b.startedAt.getTime() || a.id.localeCompare(b.id)

/** Most events one `eventsAfter` call returns; a subscriber further behind reads a snapshot instead. */
export const MAX_EVENTS_AFTER = 1000

export function lifecycleRepository(conn: Connection) {
  const { dialect, sql } = conn

  /** Records the changed rows' new status as events (same transaction) and pairs each with its event id. */
  async function withEvents(tx: SqlExecutor, records: LifecycleRecord[]): Promise<LifecycleTransitionRow[]> {
    const rows = records.map(toLifecycleRow).sort(byStart)
    const eventIds = await appendLifecycleEvents(
      tx,
      dialect,
      rows.map((row) => row.id),
    )
    return rows.map((row) => ({ ...row, eventId: eventIds.get(row.id) ?? 0 }))
  }
  // PostgreSQL: SKIP LOCKED lets concurrent claimers pass over each other's rows. SQLite: the
  // single UPDATE statement runs under the database write lock, which already makes it atomic.
  const lockClause = dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : ''

  return {
    /** Rows by id, ordered by start; unknown ids are omitted. */
    get: (ids: readonly string[]): Promise<LifecycleRow[]> =>
      conn.read(async ({ prisma }) => {
        if (ids.length === 0) return []
        const rows = await prisma.lifecycle.findMany({
          where: { id: { in: [...ids] } },
          orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
        })
        return rows.map(toLifecycleRow)
      }),

    /** The most recent `limit` rows of one decky name, newest first (its history; index on deckyName). */
    listForDecky: (deckyName: string, limit = 50): Promise<LifecycleRow[]> =>
      conn.read(async ({ prisma }) => {
        const rows = await prisma.lifecycle.findMany({
          where: { deckyName },
          orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
          take: Math.min(Math.max(limit, 1), 500),
        })
        return rows.map(toLifecycleRow)
      }),

    /** Unfinished rows, oldest first (for health and for the UI). */
    listActive: (): Promise<LifecycleRow[]> =>
      conn.read(async ({ prisma }) => {
        const rows = await prisma.lifecycle.findMany({
          where: { status: { in: ['pending', 'running'] } },
          orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
        })
        return rows.map(toLifecycleRow)
      }),

    /**
     * Atomically takes up to `limit` claimable rows: status running, attempt + 1, leased to `owner`.
     * Rows whose lease expired after `maxAttempts` attempts are failed first (returned separately so
     * the runner can publish those transitions too).
     */
    claim(
      options: ClaimOptions,
    ): Promise<{ claimed: LifecycleTransitionRow[]; exhausted: LifecycleTransitionRow[] }> {
      const now = options.now ?? new Date()
      const leaseUntil = new Date(now.getTime() + options.leaseMs)
      const host = options.hostId
      return conn.run(() =>
        conn.transaction(async (tx) => {
          const exhausted = await tx.query<LifecycleRecord>(
            `UPDATE "Lifecycle" SET "status" = 'failed', "leaseOwner" = NULL, "leaseUntil" = NULL,
             "error" = 'lease expired ' || CAST("attempt" AS TEXT) || ' times (runner stopped?); giving up',
             "updatedAt" = $1, "completedAt" = $1
           WHERE "status" = 'running' AND "leaseUntil" < $1 AND "attempt" >= $2
             ${host === undefined ? '' : `AND ${rowHost('')} = $3`}
           RETURNING *`,
            host === undefined ? [now, options.maxAttempts] : [now, options.maxAttempts, host],
          )
          const claimed = await tx.query<LifecycleRecord>(
            `UPDATE "Lifecycle" SET "status" = 'running', "attempt" = "attempt" + 1,
             "leaseOwner" = $1, "leaseUntil" = $2, "updatedAt" = $3, "error" = NULL
           WHERE "id" IN (
             SELECT l."id" FROM "Lifecycle" l WHERE ${claimableWhere}
               ${host === undefined ? '' : `AND ${rowHost('l.')} = $6`}
             ORDER BY l."startedAt", l."id" LIMIT $5 ${lockClause})
           RETURNING *`,
            host === undefined
              ? [options.owner, leaseUntil, now, options.maxAttempts, options.limit]
              : [options.owner, leaseUntil, now, options.maxAttempts, options.limit, host],
          )
          // Exhausted first: their failure happened before these claims.
          const failed = await withEvents(tx, exhausted)
          return { claimed: await withEvents(tx, claimed), exhausted: failed }
        }),
      )
    },

    /**
     * Fails every unfinished row of a host at once (it stopped answering): a runner still holding one
     * loses its lease, so its late outcome is not recorded. Returns the failed rows, oldest first.
     */
    failHost: (hostId: string, error: string, now = new Date()): Promise<LifecycleTransitionRow[]> =>
      conn.run(() =>
        conn.transaction(async (tx) => {
          const rows = await tx.query<LifecycleRecord>(
            `UPDATE "Lifecycle" SET "status" = 'failed', "error" = $1, "leaseOwner" = NULL, "leaseUntil" = NULL,
             "updatedAt" = $2, "completedAt" = $2
           WHERE "status" IN ('pending', 'running') AND ${rowHost('')} = $3
           RETURNING *`,
            [error, now, hostId],
          )
          return withEvents(tx, rows)
        }),
      ),

    /** Extends a held lease. False when the lease was lost (expired and claimed by someone else). */
    renewLease: (id: string, owner: string, leaseMs: number, now = new Date()): Promise<boolean> =>
      conn.run(async () => {
        const changed = await sql.execute(
          `UPDATE "Lifecycle" SET "leaseUntil" = $1, "updatedAt" = $2
           WHERE "id" = $3 AND "leaseOwner" = $4 AND "status" = 'running'`,
          [new Date(now.getTime() + leaseMs), now, id, owner],
        )
        return changed === 1
      }),

    /** Finishes a held row. Null when the lease was lost: the result is not ours to record. */
    finish: (
      id: string,
      owner: string,
      outcome: { status: 'succeeded' } | { status: 'failed'; error: string },
      now = new Date(),
    ): Promise<LifecycleTransitionRow | null> =>
      conn.run(() =>
        conn.transaction(async (tx) => {
          const rows = await tx.query<LifecycleRecord>(
            `UPDATE "Lifecycle" SET "status" = $1, "error" = $2, "leaseOwner" = NULL, "leaseUntil" = NULL,
             "updatedAt" = $3, "completedAt" = $3
           WHERE "id" = $4 AND "leaseOwner" = $5 AND "status" = 'running'
           RETURNING *`,
            [outcome.status, outcome.status === 'failed' ? outcome.error : null, now, id, owner],
          )
          return (await withEvents(tx, rows))[0] ?? null
        }),
      ),

    /**
     * Rows by id with the id of their latest event, read in one statement (so the row and its event
     * id agree), ordered by start; unknown ids are omitted.
     */
    snapshot: (ids: readonly string[]): Promise<LifecycleRowWithEvent[]> =>
      conn.read(async (reader) => {
        if (ids.length === 0) return []
        const rows = await reader.sql.query<LifecycleRecord & { eventId: unknown }>(
          `SELECT l.*, (SELECT MAX(e."id") FROM "LifecycleEvent" e WHERE e."lifecycleId" = l."id") AS "eventId"
           FROM "Lifecycle" l WHERE l."id" IN (${placeholders(ids.length)})`,
          [...ids],
        )
        return rows
          .map((row) => ({
            ...toLifecycleRow(row),
            eventId: toOptionalNumber(row.eventId),
          }))
          .sort(byStart)
      }),

    /** Whether event `eventId` is still stored and is one of these rows' (a cursor a watcher may resume from). */
    hasEvent: (eventId: number, ids: readonly string[]): Promise<boolean> =>
      conn.read(async (reader) => {
        if (ids.length === 0 || !Number.isSafeInteger(eventId)) return false
        const rows = await reader.sql.query<{ found: unknown }>(
          `SELECT 1 AS "found" FROM "LifecycleEvent"
           WHERE "id" = $1 AND "lifecycleId" IN (${placeholders(ids.length, 1)})`,
          [eventId, ...ids],
        )
        return rows.length > 0
      }),

    /** These rows' events after `eventId`, oldest first, at most `limit` (index on lifecycle id, event id). */
    eventsAfter: (
      ids: readonly string[],
      eventId: number,
      limit = MAX_EVENTS_AFTER,
    ): Promise<LifecycleEvent[]> =>
      conn.read(async (reader) => {
        if (ids.length === 0) return []
        const rows = await reader.sql.query<LifecycleEventRecord>(
          `SELECT * FROM "LifecycleEvent"
           WHERE "lifecycleId" IN (${placeholders(ids.length, 2)}) AND "id" > $1
           ORDER BY "id" LIMIT $2`,
          [eventId, limit, ...ids],
        )
        return rows.map(toLifecycleEvent)
      }),
  }
}
