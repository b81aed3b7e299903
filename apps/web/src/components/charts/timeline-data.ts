// Pure shaping of the dashboard's timeline rows (bucket × service) into the columns a stacked bar
// chart draws: every bucket of the window (empty ones too), one series per service, busiest first.

export type TimelineRow = { t: string; service: string; count: number }

export type TimelineSeries = {
  /** Bucket starts, epoch seconds, oldest first. */
  x: number[]
  /** One entry per service, busiest first: its count per bucket and its total. */
  series: { service: string; counts: number[]; total: number }[]
  total: number
}

/** At most this many buckets are drawn (the API already widens buckets to stay within 500). */
const MAX_BUCKETS = 2000

export function timelineSeries(
  rows: readonly TimelineRow[],
  bucketMinutes: number,
  window: { fromMs?: number; toMs: number },
): TimelineSeries {
  const size = bucketMinutes * 60_000
  const starts = rows.map((row) => Date.parse(row.t))
  const first = window.fromMs ?? (starts.length > 0 ? Math.min(...starts) : window.toMs)
  const start = Math.floor(first / size) * size
  const x: number[] = []
  for (let t = start; t <= window.toMs && x.length < MAX_BUCKETS; t += size) x.push(t / 1000)
  const index = new Map(x.map((seconds, i) => [seconds * 1000, i]))
  const byService = new Map<string, number[]>()
  let total = 0
  for (const row of rows) {
    const at = index.get(Math.floor(Date.parse(row.t) / size) * size)
    if (at === undefined) continue
    let counts = byService.get(row.service)
    if (!counts) {
      counts = new Array<number>(x.length).fill(0)
      byService.set(row.service, counts)
    }
    counts[at] = (counts[at] ?? 0) + row.count
    total += row.count
  }
  const series = [...byService]
    .map(([service, counts]) => ({ service, counts, total: counts.reduce((sum, n) => sum + n, 0) }))
    .sort((a, b) => b.total - a.total || (a.service < b.service ? -1 : 1))
  return { x, series, total }
}

/**
 * Running sums for drawing stacked bars as overlapping ones: entry i is the sum of series i…n-1, so
 * drawing entry 0 (the whole stack) first and each smaller one over it shows every layer.
 */
export function stackedColumns(series: TimelineSeries['series'], length: number): number[][] {
  const out: number[][] = []
  let running = new Array<number>(length).fill(0)
  for (let i = series.length - 1; i >= 0; i--) {
    const counts = series[i]?.counts ?? []
    running = running.map((sum, j) => sum + (counts[j] ?? 0))
    out.unshift(running)
  }
  return out
}
