// The ids a time window can hold, from the hour counts' id ranges (LogHourCount.minId/maxId, kept by
// the Log insert trigger). Ids follow arrival, not event time: a late event of an old hour widens that
// hour's range, so the bound always holds every row of the window, whatever order rows came in.
import type { IdRange } from '../search/compile.ts'
import { type SqlExecutor, toNumber } from '../sql.ts'

const HOUR_MS = 3_600_000

/**
 * The id range of [from, to): undefined when the range is open on both ends (nothing to bound),
 * null when no stored row falls in the window's hours (the window is empty).
 */
export async function windowIdRange(
  sql: SqlExecutor,
  range: { from?: Date; to?: Date },
): Promise<IdRange | null | undefined> {
  const { from, to } = range
  if (from === undefined && to === undefined) return undefined
  const conditions: string[] = []
  const args: number[] = []
  // One hour of slack at each end: the trigger's hour is integer division on each database, which
  // rounds toward zero before 1970 where this floor does not.
  if (from !== undefined) {
    args.push(Math.floor(from.getTime() / HOUR_MS) - 1)
    conditions.push(`"hour" >= $${args.length}`)
  }
  if (to !== undefined) {
    // `to` is exclusive: the last hour is the one holding the instant before it.
    args.push(Math.floor((to.getTime() - 1) / HOUR_MS) + 1)
    conditions.push(`"hour" <= $${args.length}`)
  }
  const [row] = await sql.query<{ lowest: unknown; highest: unknown }>(
    `SELECT min("minId") AS lowest, max("maxId") AS highest FROM "LogHourCount" WHERE ${conditions.join(' AND ')}`,
    args,
  )
  if (row?.lowest === null || row?.lowest === undefined) return null
  const ids: IdRange = {}
  // An open end needs no bound there: every id on that side is in the window's reach.
  if (from !== undefined) ids.lowestId = toNumber(row.lowest)
  if (to !== undefined) ids.highestId = toNumber(row.highest)
  return ids
}
