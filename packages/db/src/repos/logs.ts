// Logs: batched ingest (logs + credentials + attacker profiles in one transaction), search,
// histogram, live tail and purge.
import { randomUUID } from 'node:crypto'
import type { Connection } from '../client.ts'
import { parseObject, parseStringArray } from '../json.ts'
import { compileSearch } from '../search/compile.ts'
import { parseSearch } from '../search/grammar.ts'
import { buildSearchText } from '../search/tokenize.ts'
import {
  type Dialect,
  execute,
  query,
  type RawExecutor,
  type SqlArg,
  toDate,
  toNumber,
  valuesPlaceholders,
} from '../sql.ts'
import type { LogEventInput, LogRow } from '../types.ts'
import {
  type AttackerDelta,
  type CredentialAttempt,
  MAX_COMMANDS,
  storableEvent,
  summariseBatch,
} from './ingest.ts'

export const MAX_SEARCH_LIMIT = 1000
/** Counting stops here: an exact count of a very common word would cost a full index walk. */
export const COUNT_CAP = 10_000
// Rows per multi-row INSERT: 9 parameters each stays far below both databases' parameter limits.
const INSERT_CHUNK = 200

export const LOG_COLUMNS = `l."id", l."timestamp", l."decky", l."service", l."eventType", l."attackerIp", l."attackerPort", l."rawLine", l."fields"`

export interface LogRecord {
  id: unknown
  timestamp: unknown
  decky: string
  service: string
  eventType: string
  attackerIp: string
  attackerPort: unknown
  rawLine: string
  fields: string
}

export function toLogRow(row: LogRecord): LogRow {
  return {
    id: toNumber(row.id),
    timestamp: toDate(row.timestamp),
    decky: row.decky,
    service: row.service,
    eventType: row.eventType,
    attackerIp: row.attackerIp,
    attackerPort:
      row.attackerPort === null || row.attackerPort === undefined ? null : toNumber(row.attackerPort),
    rawLine: row.rawLine,
    fields: parseObject(row.fields),
  }
}

export interface SearchInput {
  q?: string
  from?: Date
  to?: Date
  limit?: number
  /** nextCursor of the previous page. */
  cursor?: string
  now?: Date
}

export interface SearchResult {
  /** Matching rows, counted up to COUNT_CAP. */
  total: number
  /** False when total stopped at COUNT_CAP. */
  totalExact: boolean
  rows: LogRow[]
  nextCursor?: string
}

function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined
  if (!/^\d{1,15}$/.test(cursor)) return 0 // a forged cursor pages past the end rather than erroring
  return Number(cursor)
}

async function insertLogs(
  tx: RawExecutor,
  dialect: Dialect,
  events: readonly LogEventInput[],
): Promise<number[]> {
  const ids: number[] = []
  for (let start = 0; start < events.length; start += INSERT_CHUNK) {
    const chunk = events.slice(start, start + INSERT_CHUNK)
    const args: SqlArg[] = []
    for (const event of chunk) {
      args.push(
        event.timestamp,
        event.decky,
        event.service,
        event.eventType,
        event.attackerIp,
        event.attackerPort ?? null,
        event.rawLine,
        JSON.stringify(event.fields ?? {}),
        buildSearchText(event),
      )
    }
    const rows = await query<{ id: unknown }>(
      tx,
      dialect,
      `INSERT INTO "Log" ("timestamp", "decky", "service", "eventType", "attackerIp", "attackerPort", "rawLine",
         "fields", "searchText") VALUES ${valuesPlaceholders(chunk.length, 9)} RETURNING "id"`,
      args,
    )
    // Ids of one multi-row insert are assigned in VALUES order on both databases.
    ids.push(...rows.map((row) => toNumber(row.id)).sort((a, b) => a - b))
  }
  return ids
}

async function upsertCredentials(tx: RawExecutor, dialect: Dialect, credentials: CredentialAttempt[]) {
  const ordered = [...credentials].sort((a, b) => (a.attackerIp < b.attackerIp ? -1 : 1))
  for (const c of ordered) {
    await execute(
      tx,
      dialect,
      `INSERT INTO "Credential" ("attackerIp", "decky", "service", "kind", "principal", "secret", "secretHash",
         "count", "firstSeen", "lastSeen") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT ("attackerIp", "decky", "service", "kind", "principal", "secretHash") DO UPDATE SET
         "count" = "Credential"."count" + excluded."count",
         "lastSeen" = CASE WHEN excluded."lastSeen" > "Credential"."lastSeen"
                      THEN excluded."lastSeen" ELSE "Credential"."lastSeen" END`,
      [
        c.attackerIp,
        c.decky,
        c.service,
        c.kind,
        c.principal,
        c.secret,
        c.secretHash,
        c.count,
        c.firstSeen,
        c.lastSeen,
      ],
    )
  }
}

interface AttackerRecord {
  id: string
  ip: string
  firstSeen: unknown
  lastSeen: unknown
  eventCount: unknown
  services: string
  deckies: string
  commands: string
}

async function upsertAttackers(tx: RawExecutor, dialect: Dialect, deltas: AttackerDelta[], now: Date) {
  if (deltas.length === 0) return
  // Sorted, so concurrent PostgreSQL ingesters lock attacker rows in the same order (no deadlock).
  const ordered = [...deltas].sort((a, b) => (a.ip < b.ip ? -1 : 1))
  const seedArgs: SqlArg[] = ordered.flatMap((d) => [randomUUID(), d.ip, d.firstSeen, d.lastSeen, now])
  await execute(
    tx,
    dialect,
    `INSERT INTO "Attacker" ("id", "ip", "firstSeen", "lastSeen", "updatedAt")
     VALUES ${valuesPlaceholders(ordered.length, 5)} ON CONFLICT ("ip") DO NOTHING`,
    seedArgs,
  )
  const ips = ordered.map((d) => d.ip)
  const existing = await query<AttackerRecord>(
    tx,
    dialect,
    `SELECT "id", "ip", "firstSeen", "lastSeen", "eventCount", "services", "deckies", "commands" FROM "Attacker"
     WHERE "ip" IN (${ips.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY "ip"
     ${dialect === 'postgres' ? 'FOR UPDATE' : ''}`,
    ips,
  )
  const byIp = new Map(existing.map((row) => [row.ip, row]))
  for (const delta of ordered) {
    const row = byIp.get(delta.ip)
    if (!row) continue
    const services = parseStringArray(row.services)
    const deckies = parseStringArray(row.deckies)
    for (const s of delta.services) if (!services.includes(s)) services.push(s)
    for (const d of delta.deckies) if (!deckies.includes(d)) deckies.push(d)
    const commands = [...parseStringArray(row.commands), ...delta.commands].slice(-MAX_COMMANDS)
    const firstSeen = new Date(Math.min(toDate(row.firstSeen).getTime(), delta.firstSeen.getTime()))
    const lastSeen = new Date(Math.max(toDate(row.lastSeen).getTime(), delta.lastSeen.getTime()))
    await execute(
      tx,
      dialect,
      `UPDATE "Attacker" SET "firstSeen" = $1, "lastSeen" = $2, "eventCount" = "eventCount" + $3,
         "services" = $4, "serviceCount" = $5, "deckies" = $6, "deckyCount" = $7, "commands" = $8,
         "credentialCount" = (SELECT count(*) FROM "Credential" c WHERE c."attackerIp" = $9),
         "updatedAt" = $10
       WHERE "id" = $11`,
      [
        firstSeen,
        lastSeen,
        delta.events,
        JSON.stringify(services),
        services.length,
        JSON.stringify(deckies),
        deckies.length,
        JSON.stringify(commands),
        delta.ip,
        now,
        row.id,
      ],
    )
  }
}

export function logsRepository(conn: Connection) {
  const { prisma, dialect } = conn
  return {
    /**
     * Writes a batch of events, their credentials and attacker profile updates atomically.
     * Returns the stored rows (with ids, in input order) for live subscribers.
     */
    ingest(input: readonly LogEventInput[], now = new Date()): Promise<LogRow[]> {
      if (input.length === 0) return Promise.resolve([])
      const events = input.map(storableEvent)
      const { credentials, attackers } = summariseBatch(events)
      return conn.run(() =>
        prisma.$transaction(
          async (tx) => {
            const ids = await insertLogs(tx, dialect, events)
            await upsertCredentials(tx, dialect, credentials)
            await upsertAttackers(tx, dialect, attackers, now)
            return events.map((event, i) => ({
              id: ids[i] as number,
              timestamp: event.timestamp,
              decky: event.decky,
              service: event.service,
              eventType: event.eventType,
              attackerIp: event.attackerIp,
              attackerPort: event.attackerPort ?? null,
              rawLine: event.rawLine,
              fields: event.fields ?? {},
            }))
          },
          { timeout: 60_000 },
        ),
      )
    },

    /** Newest first. Throws SearchQueryError on a malformed `q`. */
    async search(input: SearchInput): Promise<SearchResult> {
      const parsed = parseSearch(input.q ?? '', input.now)
      const limit = Math.min(Math.max(input.limit ?? 50, 1), MAX_SEARCH_LIMIT)
      const range = { from: input.from, to: input.to }
      const page = compileSearch(dialect, parsed, { ...range, beforeId: parseCursor(input.cursor) })
      const all = compileSearch(dialect, parsed, range)
      return conn.run(async () => {
        const rows = await query<LogRecord>(
          prisma,
          dialect,
          `SELECT ${LOG_COLUMNS} FROM "Log" l${page.join} WHERE ${page.where}
           ORDER BY l."id" DESC LIMIT $${page.args.length + 1}`,
          [...page.args, limit],
        )
        const counted = await query<{ n: unknown }>(
          prisma,
          dialect,
          `SELECT count(*) AS n FROM (SELECT 1 FROM "Log" l${all.join} WHERE ${all.where}
           LIMIT $${all.args.length + 1}) AS matched`,
          [...all.args, COUNT_CAP + 1],
        )
        const total = toNumber(counted[0]?.n ?? 0)
        const result: SearchResult = {
          total: Math.min(total, COUNT_CAP),
          totalExact: total <= COUNT_CAP,
          rows: rows.map(toLogRow),
        }
        const last = result.rows.at(-1)
        if (last && result.rows.length === limit) result.nextCursor = String(last.id)
        return result
      })
    },

    /** Event counts per time bucket (bucket start `t`), oldest first, for the search's matches. */
    async histogram(input: { q?: string; from?: Date; to?: Date; bucketMinutes: number; now?: Date }) {
      const parsed = parseSearch(input.q ?? '', input.now)
      const compiled = compileSearch(dialect, parsed, { from: input.from, to: input.to })
      const seconds = Math.max(1, Math.floor(input.bucketMinutes)) * 60
      const epoch =
        dialect === 'sqlite'
          ? `CAST(strftime('%s', l."timestamp") AS INTEGER)`
          : `CAST(floor(extract(epoch from l."timestamp")) AS BIGINT)`
      const bucketArg = `$${compiled.args.length + 1}`
      return conn.run(async () => {
        const rows = await query<{ bucket: unknown; n: unknown }>(
          prisma,
          dialect,
          `SELECT (${epoch} / CAST(${bucketArg} AS INTEGER)) * CAST(${bucketArg} AS INTEGER) AS bucket, count(*) AS n
           FROM "Log" l${compiled.join} WHERE ${compiled.where} GROUP BY 1 ORDER BY 1`,
          [...compiled.args, seconds],
        )
        return rows.map((row) => ({ t: new Date(toNumber(row.bucket) * 1000), count: toNumber(row.n) }))
      })
    },

    /** Rows after `afterId`, oldest first (the live tail's catch-up after a reconnect). */
    async since(afterId: number, options: { q?: string; limit?: number } = {}): Promise<LogRow[]> {
      const parsed = parseSearch(options.q ?? '')
      const compiled = compileSearch(dialect, parsed)
      const limit = Math.min(Math.max(options.limit ?? 500, 1), MAX_SEARCH_LIMIT)
      const n = compiled.args.length
      return conn.run(async () => {
        const rows = await query<LogRecord>(
          prisma,
          dialect,
          `SELECT ${LOG_COLUMNS} FROM "Log" l${compiled.join} WHERE ${compiled.where} AND l."id" > $${n + 1}
           ORDER BY l."id" ASC LIMIT $${n + 2}`,
          [...compiled.args, afterId, limit],
        )
        return rows.map(toLogRow)
      })
    },

    counts(now = new Date()): Promise<{ logs: number; logs24h: number }> {
      return conn.run(async () => {
        const dayAgo = new Date(now.getTime() - 86_400_000)
        const [logs, logs24h] = await Promise.all([
          prisma.log.count(),
          prisma.log.count({ where: { timestamp: { gte: dayAgo } } }),
        ])
        return { logs, logs24h }
      })
    },

    /** Deletes all telemetry (developer mode). */
    purge(): Promise<{ logs: number; credentials: number; attackers: number }> {
      return conn.run(() =>
        prisma.$transaction(
          async (tx) => ({
            logs: (await tx.log.deleteMany()).count,
            credentials: (await tx.credential.deleteMany()).count,
            attackers: (await tx.attacker.deleteMany()).count,
          }),
          { timeout: 300_000 },
        ),
      )
    },
  }
}
