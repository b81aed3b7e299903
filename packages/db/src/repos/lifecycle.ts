// Lifecycle: the runner's durable, lease-based queue.
import type { Connection } from '../client.ts'
import { parseObject } from '../json.ts'
import { toDate, toNumber, toOptionalDate } from '../sql.ts'
import type { LifecycleOperation, LifecycleRow, LifecycleStatus } from '../types.ts'
import { LOCAL_HOST_ID } from './fleet.ts'

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

interface LifecycleRecord {
  id: string
  deckyName: string
  hostId: string | null
  operation: string
  status: string
  attempt: unknown
  error: string | null
  payload: string
  leaseOwner: string | null
  leaseUntil: unknown
  startedAt: unknown
  updatedAt: unknown
  completedAt: unknown
}

function toLifecycleRow(row: LifecycleRecord): LifecycleRow {
  return {
    id: row.id,
    deckyName: row.deckyName,
    hostId: row.hostId,
    operation: row.operation as LifecycleOperation,
    status: row.status as LifecycleStatus,
    attempt: toNumber(row.attempt),
    error: row.error,
    payload: parseObject(row.payload),
    leaseOwner: row.leaseOwner,
    leaseUntil: toOptionalDate(row.leaseUntil),
    startedAt: toDate(row.startedAt),
    updatedAt: toDate(row.updatedAt),
    completedAt: toOptionalDate(row.completedAt),
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

export function lifecycleRepository(conn: Connection) {
  const { dialect, sql } = conn
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
    claim(options: ClaimOptions): Promise<{ claimed: LifecycleRow[]; exhausted: LifecycleRow[] }> {
      const now = options.now ?? new Date()
      const leaseUntil = new Date(now.getTime() + options.leaseMs)
      const host = options.hostId
      return conn.run(async () => {
        const exhausted = await sql.query<LifecycleRecord>(
          `UPDATE "Lifecycle" SET "status" = 'failed', "leaseOwner" = NULL, "leaseUntil" = NULL,
             "error" = 'lease expired ' || CAST("attempt" AS TEXT) || ' times (runner stopped?); giving up',
             "updatedAt" = $1, "completedAt" = $1
           WHERE "status" = 'running' AND "leaseUntil" < $1 AND "attempt" >= $2
             ${host === undefined ? '' : `AND ${rowHost('')} = $3`}
           RETURNING *`,
          host === undefined ? [now, options.maxAttempts] : [now, options.maxAttempts, host],
        )
        const claimed = await sql.query<LifecycleRecord>(
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
        const byStart = (a: LifecycleRow, b: LifecycleRow) =>
          a.startedAt.getTime() - b.startedAt.getTime() || a.id.localeCompare(b.id)
        return {
          claimed: claimed.map(toLifecycleRow).sort(byStart),
          exhausted: exhausted.map(toLifecycleRow).sort(byStart),
        }
      })
    },

    /**
     * Fails every unfinished row of a host at once (it stopped answering): a runner still holding one
     * loses its lease, so its late outcome is not recorded. Returns the failed rows, oldest first.
     */
    failHost: (hostId: string, error: string, now = new Date()): Promise<LifecycleRow[]> =>
      conn.run(async () => {
        const rows = await sql.query<LifecycleRecord>(
          `UPDATE "Lifecycle" SET "status" = 'failed', "error" = $1, "leaseOwner" = NULL, "leaseUntil" = NULL,
             "updatedAt" = $2, "completedAt" = $2
           WHERE "status" IN ('pending', 'running') AND ${rowHost('')} = $3
           RETURNING *`,
          [error, now, hostId],
        )
        return rows
          .map(toLifecycleRow)
          .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.id.localeCompare(b.id))
      }),

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
    ): Promise<LifecycleRow | null> =>
      conn.run(async () => {
        const rows = await sql.query<LifecycleRecord>(
          `UPDATE "Lifecycle" SET "status" = $1, "error" = $2, "leaseOwner" = NULL, "leaseUntil" = NULL,
             "updatedAt" = $3, "completedAt" = $3
           WHERE "id" = $4 AND "leaseOwner" = $5 AND "status" = 'running'
           RETURNING *`,
          [outcome.status, outcome.status === 'failed' ? outcome.error : null, now, id, owner],
        )
        return rows[0] ? toLifecycleRow(rows[0]) : null
      }),
  }
}
