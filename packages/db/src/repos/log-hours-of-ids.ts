// SQLite: the hour of each full-text match without reading its Log row. The hour counts keep each
// hour's lowest and highest Log id (LogHourCount.minId/maxId, the insert trigger); ids follow arrival,
// so these ranges barely overlap. A match whose id lies in exactly one hour's range belongs to that
// hour. Only ids that several ranges hold (a late event widened an older hour's range over newer ids)
// are looked up. A rare word's 30-day histogram at 10M rows: its ~80k matches cost ~1 µs each to read
// from the Log table, and nothing here.
import { type SqlExecutor, toNumber } from '../sql.ts'

type HourRange = { hour: number; lowestId: number; highestId: number }

/** Ids looked up per statement (SQLite's default limit on bound parameters is 32,766). */
const LOOKUP_CHUNK = 10_000
/**
 * Beyond this many matches in the window the caller counts Log rows instead: a common word's
 * millions of ids are not held in memory (its count from the rows costs seconds either way).
 */
export const MAX_MATCHES = 200_000
/** Ranges checked for one id before it is looked up instead (a widened range overlaps many). */
const MAX_RANGES_PER_ID = 16

/**
 * Matches of `match` (an FTS5 expression that also decides the system flag) per hour, for the whole
 * hours [firstHour, endHour) (hours since 1970). Exact: every match counted in its own hour.
 * Undefined when the window holds more than `maxMatches` of them.
 */
export async function matchesPerHour(
  sql: SqlExecutor,
  match: string,
  firstHour: number | undefined,
  endHour: number | undefined,
  maxMatches = MAX_MATCHES,
): Promise<Map<number, number> | undefined> {
  const counts = new Map<number, number>()
  const inWindow = (hour: number) =>
    (firstHour === undefined || hour >= firstHour) && (endHour === undefined || hour < endHour)
  const span = await idSpan(sql, firstHour, endHour)
  if (!span) return counts
  // Every hour whose range reaches into the span, those outside the window included: a late event of
  // an hour before the window can sit among the window's ids.
  const ranges = (
    await sql.query<{ hour: unknown; lowest: unknown; highest: unknown }>(
      `SELECT "hour", min("minId") AS lowest, max("maxId") AS highest FROM "LogHourCount"
       WHERE "maxId" >= $1 AND "minId" <= $2 GROUP BY "hour"`,
      [span.lowestId, span.highestId],
    )
  )
    .map((row) => ({
      hour: toNumber(row.hour),
      lowestId: toNumber(row.lowest),
      highestId: toNumber(row.highest),
    }))
    .sort((a, b) => a.lowestId - b.lowestId)
  const reach = reachSoFar(ranges)
  const ids = await sql.query<{ id: unknown }>(
    `SELECT rowid AS id FROM "LogSearch" WHERE "LogSearch" MATCH $1 AND rowid >= $2 AND rowid <= $3 LIMIT $4`,
    [match, span.lowestId, span.highestId, maxMatches + 1],
  )
  if (ids.length > maxMatches) return undefined
  const unsure: number[] = []
  for (const row of ids) {
    const id = toNumber(row.id)
    const hour = onlyHourHolding(ranges, reach, id)
    if (hour === undefined) unsure.push(id)
    else if (inWindow(hour)) counts.set(hour, (counts.get(hour) ?? 0) + 1)
  }
  for (let start = 0; start < unsure.length; start += LOOKUP_CHUNK) {
    const chunk = unsure.slice(start, start + LOOKUP_CHUNK)
    const rows = await sql.query<{ hour: unknown }>(
      `SELECT CAST(strftime('%s', "timestamp") AS INTEGER) / 3600 AS hour FROM "Log"
       WHERE "id" IN (${chunk.map((_, i) => `$${i + 1}`).join(', ')})`,
      chunk,
    )
    for (const { hour } of rows) {
      const value = toNumber(hour)
      if (inWindow(value)) counts.set(value, (counts.get(value) ?? 0) + 1)
    }
  }
  return counts
}

/** The ids the window's hours hold: undefined when it holds no row. */
async function idSpan(
  sql: SqlExecutor,
  firstHour: number | undefined,
  endHour: number | undefined,
): Promise<{ lowestId: number; highestId: number } | undefined> {
  const conditions: string[] = []
  const args: number[] = []
  if (firstHour !== undefined) {
    args.push(firstHour)
    conditions.push(`"hour" >= $${args.length}`)
  }
  if (endHour !== undefined) {
    args.push(endHour)
    conditions.push(`"hour" < $${args.length}`)
  }
  const [row] = await sql.query<{ lowest: unknown; highest: unknown }>(
    `SELECT min("minId") AS lowest, max("maxId") AS highest FROM "LogHourCount"
     ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}`,
    args,
  )
  if (row?.lowest === null || row?.lowest === undefined) return undefined
  return { lowestId: toNumber(row.lowest), highestId: toNumber(row.highest) }
}

/** reach[i]: the highest id any of ranges[0..i] holds (ranges sorted by lowest id). */
function reachSoFar(ranges: HourRange[]): number[] {
  const reach: number[] = []
  let highest = Number.NEGATIVE_INFINITY
  for (const range of ranges) {
    highest = Math.max(highest, range.highestId)
    reach.push(highest)
  }
  return reach
}

/** The hour whose range alone holds `id`; undefined when none or several do (look the row up). */
function onlyHourHolding(ranges: HourRange[], reach: number[], id: number): number | undefined {
  // The last range starting at or below id, then back while an earlier range may still reach it.
  let low = 0
  let high = ranges.length - 1
  let last = -1
  while (low <= high) {
    const middle = (low + high) >> 1
    if ((ranges[middle] as HourRange).lowestId <= id) {
      last = middle
      low = middle + 1
    } else high = middle - 1
  }
  let found: number | undefined
  for (let i = last, checked = 0; i >= 0 && (reach[i] as number) >= id; i--, checked++) {
    if (checked === MAX_RANGES_PER_ID) return undefined
    const range = ranges[i] as HourRange
    if (range.highestId < id) continue
    if (found !== undefined) return undefined
    found = range.hour
  }
  return found
}
