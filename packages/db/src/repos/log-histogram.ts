// logs.histogram: event counts per time bucket. Whole hours come from LogHourCount (a trigger keeps it)
// when the search asks nothing the counts cannot answer (no text, at most a service, any system
// filter) and the buckets are whole hours; the partial hours at the ends of the range, and every
// other search, are counted from the Log rows. 30 days of 10M rows: ~700 count rows instead of 10M.
// On SQLite a text-only search (words, phrases, AND/OR, the system flag) over whole hours is counted
// from its full-text matches' ids and the hours' id ranges, without reading Log rows
// (log-hours-of-ids.ts).
import type { Connection } from '../client.ts'
import { compileSearch, searchRange } from '../search/compile.ts'
import { type ParsedSearch, parseSearch } from '../search/grammar.ts'
import { type SqlArg, type SqlExecutor, toNumber } from '../sql.ts'
import { matchesPerHour } from './log-hours-of-ids.ts'
import { windowIdRange } from './log-window-ids.ts'

export interface HistogramInput {
  q?: string
  from?: Date
  to?: Date
  bucketMinutes: number
  /** Split each bucket per service (rows then carry `service`). */
  byService?: boolean
  now?: Date
}

export type HistogramRow = { t: Date; count: number; service?: string }

type BucketCount = { bucket: unknown; n: unknown; service?: string }

const HOUR_MS = 3_600_000
const HOUR_SECONDS = 3600

/** The service filter (or none) when the hour counts can answer `search`; undefined when they cannot. */
function hourCountFilter(search: ParsedSearch): { service?: string } | undefined {
  if (search.phrases.length > 0 || search.groups.length > 0) return undefined
  const [column, ...more] = search.columns
  if (!column) return {}
  return more.length === 0 && column.column === 'service' ? { service: column.value } : undefined
}

export function logHistogram(conn: Connection, input: HistogramInput): Promise<HistogramRow[]> {
  const { dialect } = conn
  const parsed = parseSearch(input.q ?? '', input.now)
  const seconds = Math.max(1, Math.floor(input.bucketMinutes)) * 60
  const byService = input.byService === true
  const { from, to } = searchRange(parsed, { from: input.from, to: input.to })
  const filter = seconds % HOUR_SECONDS === 0 ? hourCountFilter(parsed) : undefined
  // The whole hours inside [from, to): [firstHour, endHour), open where the range is.
  const firstHour = from && Math.ceil(from.getTime() / HOUR_MS)
  const endHour = to && Math.floor(to.getTime() / HOUR_MS)
  const hasWholeHours = firstHour === undefined || endHour === undefined || firstHour < endHour
  // SQLite, hour-multiple buckets, no split per service, and a search the full-text index decides alone.
  const textMatch =
    dialect === 'sqlite' &&
    !filter &&
    seconds % HOUR_SECONDS === 0 &&
    !byService &&
    // Before 1970 the trigger's hour (truncated) and this one (floored) part ways.
    (firstHour ?? 0) >= 0 &&
    (endHour ?? 0) >= 0
      ? compileSearch(dialect, parsed).ftsOnlyMatch
      : undefined

  const epoch =
    dialect === 'sqlite'
      ? `CAST(strftime('%s', l."timestamp") AS INTEGER)`
      : `CAST(floor(extract(epoch from l."timestamp")) AS BIGINT)`
  const serviceColumn = byService ? ', l."service" AS service' : ''
  const logCounts = async (sql: SqlExecutor, search: ParsedSearch, range: { from?: Date; to?: Date }) => {
    // SQLite's full-text index walks only the ids the range's hours hold (windowIdRange) instead of
    // every match of all time, each checked against its row's timestamp.
    const hasText = search.phrases.length > 0 || search.groups.length > 0
    const ids = dialect === 'sqlite' && hasText ? await windowIdRange(sql, range) : undefined
    if (ids === null) return []
    const compiled = compileSearch(dialect, search, { ...range, ...(ids ? { ids } : {}) })
    const bucketArg = `$${compiled.args.length + 1}`
    return sql.query<BucketCount>(
      `SELECT (${epoch} / CAST(${bucketArg} AS INTEGER)) * CAST(${bucketArg} AS INTEGER) AS bucket${serviceColumn},
         count(*) AS n
       FROM ${compiled.from} WHERE ${compiled.where} GROUP BY ${serviceColumn ? '1, 2' : '1'}`,
      [...compiled.args, seconds],
    )
  }
  // A time-only histogram is answered from the timestamp index alone; "not system" would make it
  // read every row. So it counts everything and subtracts the (few, separately indexed) probe rows.
  const subtract =
    parsed.system === 'exclude' &&
    parsed.phrases.length === 0 &&
    parsed.columns.length === 0 &&
    parsed.groups.length === 0
  const scan = async (sql: SqlExecutor, range: { from?: Date; to?: Date }): Promise<BucketCount[]> => {
    if (!subtract) return logCounts(sql, parsed, range)
    const probes = await logCounts(sql, { ...parsed, system: 'only' }, range)
    const all = await logCounts(sql, { ...parsed, system: 'include' }, range)
    return [...all, ...probes.map((row) => ({ ...row, n: -toNumber(row.n) }))]
  }
  const hourCounts = (sql: SqlExecutor, only: { service?: string }): Promise<BucketCount[]> => {
    const conditions: string[] = []
    const args: SqlArg[] = [seconds]
    const arg = (value: SqlArg) => {
      args.push(value)
      return `$${args.length}`
    }
    if (firstHour !== undefined) conditions.push(`"hour" >= ${arg(firstHour)}`)
    if (endHour !== undefined) conditions.push(`"hour" < ${arg(endHour)}`)
    if (only.service !== undefined) conditions.push(`"service" = ${arg(only.service)}`)
    if (parsed.system === 'exclude') conditions.push('"system" = FALSE')
    else if (parsed.system === 'only') conditions.push('"system" = TRUE')
    return sql.query<BucketCount>(
      `SELECT (CAST("hour" AS BIGINT) * ${HOUR_SECONDS} / CAST($1 AS BIGINT)) * CAST($1 AS BIGINT) AS bucket
         ${byService ? ', "service" AS service' : ''}, sum("count") AS n
       FROM "LogHourCount" ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
       GROUP BY ${byService ? '1, 2' : '1'}`,
      args,
    )
  }

  /** The whole hours from the hour counts, or (text) the matches' ids; undefined: count the rows. */
  const wholeHours = async (sql: SqlExecutor): Promise<BucketCount[] | undefined> => {
    if (filter) return hourCounts(sql, filter)
    if (!textMatch) return undefined
    const perHour = await matchesPerHour(sql, textMatch, firstHour, endHour)
    return (
      perHour &&
      [...perHour].map(([hour, n]) => ({ bucket: Math.floor((hour * HOUR_SECONDS) / seconds) * seconds, n }))
    )
  }

  return conn.read(async ({ sql }) => {
    const parts: BucketCount[] = []
    const whole = hasWholeHours ? await wholeHours(sql) : undefined
    if (!whole) {
      parts.push(...(await scan(sql, { from, to })))
    } else {
      parts.push(...whole)
      if (from && firstHour !== undefined && from.getTime() < firstHour * HOUR_MS) {
        parts.push(...(await scan(sql, { from, to: new Date(firstHour * HOUR_MS) })))
      }
      if (to && endHour !== undefined && endHour * HOUR_MS < to.getTime()) {
        parts.push(...(await scan(sql, { from: new Date(endHour * HOUR_MS), to })))
      }
    }
    const merged = new Map<string, { bucket: number; service?: string; count: number }>()
    for (const row of parts) {
      const bucket = toNumber(row.bucket)
      const key = `${bucket} ${row.service ?? ''}`
      const seen = merged.get(key)
      if (seen) seen.count += toNumber(row.n)
      else
        merged.set(key, {
          bucket,
          ...(row.service === undefined ? {} : { service: row.service }),
          count: toNumber(row.n),
        })
    }
    return [...merged.values()]
      .filter((row) => row.count > 0)
      .sort(
        (a, b) =>
          a.bucket - b.bucket ||
          ((a.service ?? '') < (b.service ?? '') ? -1 : (a.service ?? '') > (b.service ?? '') ? 1 : 0),
      )
      .map(({ bucket, service, count }) => {
        const t = new Date(bucket * 1000)
        return service === undefined ? { t, count } : { t, count, service }
      })
  })
}
