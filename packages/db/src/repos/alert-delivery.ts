// Alert delivery: channels (where notifications go) and deliveries (one per alert × channel, sent at
// least once by the API's delivery worker). Deliveries are leased by moving `nextAttemptAt` forward at
// claim time: a process that dies mid-send leaves the row due again once the lease passes.
import {
  BREAKER_STATES,
  CHANNEL_KINDS,
  compareSeverity,
  DELIVERY_STATUSES,
  parseObject,
  SEVERITIES,
} from '@decnet/core'
import type { Connection } from '../client.ts'
import { knownValue, pickColumns, readColumns } from '../columns.ts'
import { ConflictError, isUniqueViolation, NotFoundError } from '../errors.ts'
import type { ChannelModel, DeliveryModel } from '../generated/client/sqlite/models.ts'
import { orderedId } from '../ids.ts'
import { type RawRow, toDate, toNumber, toOptionalDate } from '../sql.ts'
import type { ChannelInput, ChannelRow, DeliveryRow } from '../types.ts'

/** Deliveries returned by one list call at most. */
export const MAX_DELIVERY_LIST = 500

/** The WorkerCursor row of the fan-out: the last Alert id turned into deliveries. */
export const FANOUT_CURSOR = 'alert-fanout'
/** Alerts fanned out by one transaction at most. */
const FANOUT_BATCH = 500

function toChannelRow(row: ChannelModel): ChannelRow {
  return {
    ...row,
    kind: knownValue(CHANNEL_KINDS, row.kind, 'Channel.kind'),
    config: parseObject(row.config),
    minSeverity: knownValue(SEVERITIES, row.minSeverity, 'Channel.minSeverity'),
    breakerState: knownValue(BREAKER_STATES, row.breakerState, 'Channel.breakerState'),
  }
}

type DeliveryRecord = RawRow<DeliveryModel>

function toDeliveryRow(row: DeliveryRecord): DeliveryRow {
  return {
    ...pickColumns(row, ['id', 'alertId', 'channelId', 'idempotencyKey', 'message', 'lastError']),
    severity: knownValue(SEVERITIES, row.severity, 'Delivery.severity'),
    status: knownValue(DELIVERY_STATUSES, row.status, 'Delivery.status'),
    attempts: toNumber(row.attempts),
    ...readColumns(row, ['nextAttemptAt', 'createdAt', 'updatedAt'], toDate),
    deliveredAt: toOptionalDate(row.deliveredAt),
  }
}

/** What a channel's breaker and last outcome look like after an attempt (the worker decides them). */
export type ChannelHealthUpdate = Pick<
  ChannelRow,
  'breakerState' | 'consecutiveFailures' | 'breakerRetryAt'
> &
  Partial<Pick<ChannelRow, 'lastDeliveryAt' | 'lastError' | 'lastErrorAt'>>

/** A delivery to create: one alert to one channel. */
export type DeliveryInput = Pick<
  DeliveryRow,
  'alertId' | 'channelId' | 'idempotencyKey' | 'severity' | 'message'
>

/** How an attempt ended, as the worker records it. */
export type DeliveryOutcome =
  | { status: 'delivered' }
  | { status: 'failed'; error: string; retryAt: Date }
  | { status: 'dead'; error: string }

export function channelsRepository(conn: Connection) {
  const { prisma } = conn
  return {
    create: (input: ChannelInput, now = new Date()): Promise<ChannelRow> =>
      conn.run(async () => {
        try {
          const row = await prisma.channel.create({
            data: {
              id: orderedId(),
              ...input,
              config: JSON.stringify(input.config),
              createdAt: now,
              updatedAt: now,
            },
          })
          return toChannelRow(row)
        } catch (error) {
          if (isUniqueViolation(error))
            throw new ConflictError(`a channel named "${input.name}" exists`, [input.name])
          throw error
        }
      }),

    /**
     * Changes a channel's settings. New settings deserve a fresh try: the breaker closes and deliveries
     * waiting for a retry become due at once.
     */
    update: (id: string, patch: Partial<ChannelInput>, now = new Date()): Promise<ChannelRow> =>
      conn.run(async () => {
        try {
          const [row] = await prisma.$transaction([
            prisma.channel.update({
              where: { id },
              data: {
                ...patch,
                ...(patch.config ? { config: JSON.stringify(patch.config) } : {}),
                breakerState: 'closed',
                consecutiveFailures: 0,
                breakerRetryAt: null,
                updatedAt: now,
              },
            }),
            prisma.delivery.updateMany({
              where: { channelId: id, status: 'failed' },
              data: { nextAttemptAt: now, updatedAt: now },
            }),
          ])
          return toChannelRow(row)
        } catch (error) {
          if (isUniqueViolation(error)) throw new ConflictError(`a channel named "${patch.name}" exists`)
          if ((error as { code?: unknown }).code === 'P2025') throw new NotFoundError(`no channel ${id}`)
          throw error
        }
      }),

    /** Removes a channel and its deliveries. False when there was none. */
    remove: (id: string): Promise<boolean> =>
      conn.run(async () => (await prisma.channel.deleteMany({ where: { id } })).count === 1),

    get: (id: string): Promise<ChannelRow | null> =>
      conn.read(async ({ prisma }) => {
        const row = await prisma.channel.findUnique({ where: { id } })
        return row ? toChannelRow(row) : null
      }),

    findByName: (name: string): Promise<ChannelRow | null> =>
      conn.read(async ({ prisma }) => {
        const row = await prisma.channel.findUnique({ where: { name } })
        return row ? toChannelRow(row) : null
      }),

    /** Every channel, by name. */
    list: (): Promise<ChannelRow[]> =>
      conn.read(async ({ prisma }) =>
        (await prisma.channel.findMany({ orderBy: { name: 'asc' } })).map(toChannelRow),
      ),

    /** The worker's view of a channel's breaker and last outcome (not a settings change: updatedAt stays). */
    setHealth: (id: string, health: ChannelHealthUpdate): Promise<void> =>
      conn.run(async () => {
        await prisma.channel.updateMany({ where: { id }, data: health })
      }),
  }
}

export function deliveriesRepository(conn: Connection) {
  const { sql, dialect } = conn
  // See lifecycle.ts: SKIP LOCKED lets concurrent PostgreSQL claimers pass over each other's rows;
  // on SQLite one UPDATE under the write lock is atomic already.
  const lockClause = dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : ''
  return {
    /**
     * Turns outbox alerts after the durable cursor into deliveries, in one transaction with the
     * cursor's move: a crash leaves both as they were. Each alert goes to every enabled channel that
     * existed when it was raised and whose minimum severity it reaches; a "send test" alert goes only
     * where its own delivery was enqueued. Alert ids grow in commit order, so the cursor skips none.
     * Returns how many deliveries were created.
     */
    fanOut: (now = new Date()): Promise<number> =>
      conn.run(() =>
        conn.transaction(async (tx) => {
          const cursor = await tx.query<{ position: unknown }>(
            `SELECT "position" FROM "WorkerCursor" WHERE "name" = $1`,
            [FANOUT_CURSOR],
          )
          const after = cursor[0] ? toNumber(cursor[0].position) : 0
          const alerts = await tx.query<{
            id: unknown
            idempotencyKey: string
            reason: string
            severity: string
            createdAt: unknown
            payload: string
          }>(
            `SELECT "id", "idempotencyKey", "reason", "severity", "createdAt", "payload" FROM "Alert"
             WHERE "id" > $1 ORDER BY "id" LIMIT $2`,
            [after, FANOUT_BATCH],
          )
          const last = alerts.at(-1)
          if (!last) return 0
          const channels = await tx.query<{ id: string; minSeverity: string; createdAt: unknown }>(
            `SELECT "id", "minSeverity", "createdAt" FROM "Channel" WHERE "enabled" = $1`,
            [true],
          )
          let created = 0
          for (const alert of alerts) {
            if (alert.reason === 'test') continue
            const severity = knownValue(SEVERITIES, alert.severity, 'Alert.severity')
            const raisedAt = toDate(alert.createdAt)
            const id = String(toNumber(alert.id))
            const message = JSON.stringify({ ...parseObject(alert.payload), id })
            for (const channel of channels) {
              const floor = knownValue(SEVERITIES, channel.minSeverity, 'Channel.minSeverity')
              if (compareSeverity(severity, floor) < 0 || raisedAt < toDate(channel.createdAt)) continue
              created += await tx.execute(
                `INSERT INTO "Delivery" ("id", "alertId", "channelId", "idempotencyKey", "severity", "message",
                   "status", "attempts", "nextAttemptAt", "createdAt", "updatedAt")
                 VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7)
                 ON CONFLICT ("alertId", "channelId") DO NOTHING`,
                [orderedId(), id, channel.id, alert.idempotencyKey, severity, message, now],
              )
            }
          }
          await tx.execute(
            `INSERT INTO "WorkerCursor" ("name", "position", "updatedAt") VALUES ($1, $2, $3)
             ON CONFLICT ("name") DO UPDATE SET "position" = excluded."position", "updatedAt" = excluded."updatedAt"`,
            [FANOUT_CURSOR, toNumber(last.id), now],
          )
          return created
        }),
      ),

    /** Whether outbox alerts wait beyond the fan-out cursor (a read: the idle poll takes no write lock). */
    alertsWaiting: (): Promise<boolean> =>
      conn.read(async (reader) => {
        const rows = await reader.sql.query<{ id: unknown }>(
          `SELECT a."id" FROM "Alert" a
           WHERE a."id" > COALESCE((SELECT c."position" FROM "WorkerCursor" c WHERE c."name" = $1), 0)
           LIMIT 1`,
          [FANOUT_CURSOR],
        )
        return rows.length > 0
      }),

    /** Creates deliveries; one that exists (same alert × channel) is left alone. Returns the new rows' ids. */
    enqueue: (inputs: readonly DeliveryInput[], now = new Date()): Promise<string[]> =>
      conn.run(() =>
        conn.transaction(async (tx) => {
          const ids: string[] = []
          for (const input of inputs) {
            const id = orderedId()
            const inserted = await tx.execute(
              `INSERT INTO "Delivery" ("id", "alertId", "channelId", "idempotencyKey", "severity", "message",
                 "status", "attempts", "nextAttemptAt", "createdAt", "updatedAt")
               VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7)
               ON CONFLICT ("alertId", "channelId") DO NOTHING`,
              [id, input.alertId, input.channelId, input.idempotencyKey, input.severity, input.message, now],
            )
            if (inserted === 1) ids.push(id)
          }
          return ids
        }),
      ),

    /** Channels with deliveries due now, and how many (a read: the idle poll never takes the write lock). */
    dueByChannel: (now = new Date()): Promise<Map<string, number>> =>
      conn.read(async (reader) => {
        const rows = await reader.sql.query<{ channelId: string; due: unknown }>(
          `SELECT "channelId", COUNT(*) AS "due" FROM "Delivery"
           WHERE "status" IN ('pending', 'failed') AND "nextAttemptAt" <= $1
           GROUP BY "channelId"`,
          [now],
        )
        return new Map(rows.map((row) => [row.channelId, toNumber(row.due)]))
      }),

    /** Deliveries of each channel that are neither delivered nor dead. */
    backlogByChannel: (): Promise<Map<string, number>> =>
      conn.read(async (reader) => {
        const rows = await reader.sql.query<{ channelId: string; backlog: unknown }>(
          `SELECT "channelId", COUNT(*) AS "backlog" FROM "Delivery"
           WHERE "status" IN ('pending', 'failed') GROUP BY "channelId"`,
        )
        return new Map(rows.map((row) => [row.channelId, toNumber(row.backlog)]))
      }),

    /**
     * Atomically takes up to `limit` due deliveries of a channel, oldest first: attempts + 1 and the
     * row leased (not due again) until now + leaseMs.
     */
    claim: (channelId: string, limit: number, leaseMs: number, now = new Date()): Promise<DeliveryRow[]> =>
      conn.run(async () => {
        const rows = await sql.query<DeliveryRecord>(
          `UPDATE "Delivery" SET "attempts" = "attempts" + 1, "nextAttemptAt" = $1, "updatedAt" = $2
           WHERE "id" IN (
             SELECT d."id" FROM "Delivery" d
             WHERE d."channelId" = $3 AND d."status" IN ('pending', 'failed') AND d."nextAttemptAt" <= $2
             ORDER BY d."nextAttemptAt", d."id" LIMIT $4 ${lockClause})
           RETURNING *`,
          [new Date(now.getTime() + leaseMs), now, channelId, limit],
        )
        return rows.map(toDeliveryRow).sort((a, b) => a.id.localeCompare(b.id))
      }),

    /**
     * Records how the claimed attempt `attempt` ended. False when the row moved on meanwhile (its lease
     * expired and another attempt took it): that attempt records its own outcome.
     */
    finish: (id: string, attempt: number, outcome: DeliveryOutcome, now = new Date()): Promise<boolean> =>
      conn.run(async () => {
        const error = outcome.status === 'delivered' ? null : outcome.error
        const next = outcome.status === 'failed' ? outcome.retryAt : now
        const changed = await sql.execute(
          `UPDATE "Delivery" SET "status" = $1, "lastError" = $2, "nextAttemptAt" = $3, "updatedAt" = $4,
             "deliveredAt" = CASE WHEN $1 = 'delivered' THEN $4 ELSE "deliveredAt" END
           WHERE "id" = $5 AND "attempts" = $6 AND "status" IN ('pending', 'failed')`,
          [outcome.status, error, next, now, id, attempt],
        )
        return changed === 1
      }),

    get: (id: string): Promise<DeliveryRow | null> =>
      conn.read(async (reader) => {
        const rows = await reader.sql.query<DeliveryRecord>(`SELECT * FROM "Delivery" WHERE "id" = $1`, [id])
        return rows[0] ? toDeliveryRow(rows[0]) : null
      }),

    /** Newest first, narrowed to a channel and/or a status. */
    list: (
      filter: { id?: string; channelId?: string; status?: DeliveryRow['status']; limit?: number } = {},
    ): Promise<DeliveryRow[]> =>
      conn.read(async ({ prisma }) => {
        const rows = await prisma.delivery.findMany({
          where: {
            ...(filter.id !== undefined ? { id: filter.id } : {}),
            ...(filter.channelId !== undefined ? { channelId: filter.channelId } : {}),
            ...(filter.status !== undefined ? { status: filter.status } : {}),
          },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: Math.min(Math.max(filter.limit ?? 100, 1), MAX_DELIVERY_LIST),
        })
        return rows.map((row) => ({
          ...row,
          status: knownValue(DELIVERY_STATUSES, row.status, 'Delivery.status'),
          severity: knownValue(SEVERITIES, row.severity, 'Delivery.severity'),
        }))
      }),
  }
}
