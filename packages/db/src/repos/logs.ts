import { parseObject } from '@decnet/core'
import type { Connection } from '../client.ts'
import type { LogModel } from '../generated/client/sqlite/models.ts'
import { type CompiledSearch, compileSearch, searchRange } from '../search/compile.ts'
import { parseSearch } from '../search/grammar.ts'
import { type RawRow, type SqlExecutor, toDate, toNumber } from '../sql.ts'
import type { LogEventInput, LogRow } from '../types.ts'
import { type PreparedIngest, prepareIngest } from './ingest-write.ts'
import { CORE_INTEL_ANALYSER, type IntelAnalyser } from './intel-batch.ts'
import { type HistogramInput, type HistogramRow, logHistogram } from './log-histogram.ts'
import { windowIdRange } from './log-window-ids.ts'

export const MAX_SEARCH_LIMIT = 1000
/** Counting stops here: an exact count of a very common word would cost a full index walk. */
export const COUNT_CAP = 10_000

export const LOG_COLUMNS = `l."id", l."timestamp", l."decky", l."service", l."eventType", l."attackerIp", l."attackerPort", l."rawLine", l."fields", l."system"`

export type LogRecord = RawRow<Omit<LogModel, 'searchText'>>

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
    // SQLite returns booleans as 0/1.
    system: row.system === true || Number(row.system) === 1,
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

/** Rows matching `compiled`, counted up to `cap`; inside the full-text index alone where it decides everything. */
async function countMatches(sql: SqlExecutor, compiled: CompiledSearch, cap: number): Promise<number> {
  const counted = await sql.query<{ n: unknown }>(
    compiled.ftsOnlyMatch === undefined
      ? `SELECT count(*) AS n FROM (SELECT 1 FROM ${compiled.from} WHERE ${compiled.where}
         LIMIT $${compiled.args.length + 1}) AS matched`
      : `SELECT count(*) AS n FROM (SELECT 1 FROM "LogSearch" WHERE "LogSearch" MATCH $1 LIMIT $2) AS matched`,
    compiled.ftsOnlyMatch === undefined ? [...compiled.args, cap] : [compiled.ftsOnlyMatch, cap],
  )
  return toNumber(counted[0]?.n ?? 0)
}

function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined
  if (!/^\d{1,15}$/.test(cursor)) return 0 // a forged cursor pages past the end rather than erroring
  return Number(cursor)
}

const isPrepared = (input: readonly LogEventInput[] | PreparedIngest): input is PreparedIngest =>
  !Array.isArray(input)

export interface IngestOptions {
  /** The intelligence stage's rules (core's by default); `false` stores events without it (benchmarks). */
  intel?: IntelAnalyser | false
}

export function logsRepository(conn: Connection, options: IngestOptions = {}) {
  const { prisma, dialect } = conn
  const intel = options.intel ?? CORE_INTEL_ANALYSER
  return {
    /**
     * The CPU half of ingest (storable text, summaries, the intelligence rules, search tokens, bound
     * values), done before the write and a slice at a time (reads answer in between): a caller may
     * prepare its next batch while one is written, then hand the prepared batch to ingest().
     */
    prepareIngest(input: readonly LogEventInput[], now = new Date()): Promise<PreparedIngest> {
      return prepareIngest(input, dialect, intel, now)
    },

    /**
     * Writes a batch of events (or one this handle's prepareIngest prepared), their credentials and
     * attacker profile updates atomically. Returns the stored rows (with ids, in input order) for
     * live subscribers.
     */
    ingest(input: readonly LogEventInput[] | PreparedIngest, now = new Date()): Promise<LogRow[]> {
      // The write takes its turn among this handle's writes when called, even while its events are
      // still being prepared (a slice at a time): writes land in the order they were asked for.
      return conn.run(async () => {
        const prepared = isPrepared(input) ? input : await prepareIngest(input, dialect, intel, now)
        const { events, ...write } = prepared
        if (events.length === 0 && write.recordings.length === 0) return []
        // Without the intelligence stage the batch carries no findings: the analyser goes unused.
        const ids = await conn.writeIngest(write, intel || CORE_INTEL_ANALYSER)
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
          system: event.system ?? false,
        }))
      })
    },

    /** Newest first. Throws SearchQueryError on a malformed `q`. */
    async search(input: SearchInput): Promise<SearchResult> {
      const parsed = parseSearch(input.q ?? '', input.now)
      const limit = Math.min(Math.max(input.limit ?? 50, 1), MAX_SEARCH_LIMIT)
      const range = searchRange(parsed, { from: input.from, to: input.to })
      return conn.read(async ({ sql }) => {
        const ids = await windowIdRange(sql, range)
        if (ids === null) return { total: 0, totalExact: true, rows: [] }
        const bounds = { ...range, ...(ids ? { ids } : {}) }
        // Counted first: a match known to be common is paged differently on PostgreSQL (commonMatch).
        const total = await countMatches(sql, compileSearch(dialect, parsed, bounds), COUNT_CAP + 1)
        const page = compileSearch(dialect, parsed, {
          ...bounds,
          beforeId: parseCursor(input.cursor),
          newestFirst: true,
          commonMatch: total > COUNT_CAP,
        })
        const rows = await sql.query<LogRecord>(
          `SELECT ${LOG_COLUMNS} FROM ${page.from} WHERE ${page.where}
           ORDER BY ${page.orderBy} LIMIT $${page.args.length + 1}`,
          [...page.args, limit],
        )
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

    /**
     * Event counts per time bucket (bucket start `t`), oldest first, for the search's matches (attack
     * traffic only unless `q` says `system:`). `byService` splits each bucket per service (one grouped
     * query; rows then carry `service`).
     */
    histogram: (input: HistogramInput): Promise<HistogramRow[]> => logHistogram(conn, input),

    /** Rows after `afterId`, oldest first (the live tail's catch-up after a reconnect); system rows only when `q` asks. */
    async since(afterId: number, options: { q?: string; limit?: number } = {}): Promise<LogRow[]> {
      const parsed = parseSearch(options.q ?? '')
      const compiled = compileSearch(dialect, parsed, { afterId })
      const limit = Math.min(Math.max(options.limit ?? 500, 1), MAX_SEARCH_LIMIT)
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<LogRecord>(
          `SELECT ${LOG_COLUMNS} FROM ${compiled.from} WHERE ${compiled.where}
           ORDER BY l."id" ASC LIMIT $${compiled.args.length + 1}`,
          [...compiled.args, limit],
        )
        return rows.map(toLogRow)
      })
    },

    /**
     * Attack events, all time and in the last 24 hours. Counted as every row minus the system rows
     * (their own small partial index), so the totals stay index-only counts.
     */
    counts(now = new Date()): Promise<{ logs: number; logs24h: number }> {
      return conn.read(async ({ sql }) => {
        const dayAgo = new Date(now.getTime() - 86_400_000)
        const [row] = await sql.query<{
          logs: unknown
          probes: unknown
          recent: unknown
          recentProbes: unknown
        }>(
          `SELECT (SELECT count(*) FROM "Log") AS logs,
             (SELECT count(*) FROM "Log" WHERE "system" = TRUE) AS probes,
             (SELECT count(*) FROM "Log" WHERE "timestamp" >= $1) AS recent,
             (SELECT count(*) FROM "Log" WHERE "system" = TRUE AND "timestamp" >= $1) AS "recentProbes"`,
          [dayAgo],
        )
        return {
          logs: toNumber(row?.logs ?? 0) - toNumber(row?.probes ?? 0),
          logs24h: toNumber(row?.recent ?? 0) - toNumber(row?.recentProbes ?? 0),
        }
      })
    },

    /** Deletes all telemetry (developer mode). */
    purge(): Promise<{ logs: number; credentials: number; attackers: number }> {
      return conn.run(() =>
        prisma.$transaction(
          async (tx) => {
            // The intelligence derived from the attackers goes with them.
            await tx.attackerFingerprint.deleteMany()
            await tx.attackerTool.deleteMany()
            await tx.attackerTechnique.deleteMany()
            await tx.attackerIoc.deleteMany()
            const deleted = {
              logs: (await tx.log.deleteMany()).count,
              credentials: (await tx.credential.deleteMany()).count,
              attackers: (await tx.attacker.deleteMany()).count,
            }
            await tx.logHourCount.deleteMany()
            // Recordings are telemetry too (not part of the reported totals).
            await tx.terminalChunk.deleteMany()
            await tx.terminalSession.deleteMany()
            return deleted
          },
          { timeout: 300_000 },
        ),
      )
    },
  }
}
