import { type LogsHistogram, MAX_HISTOGRAM_SERIES, OTHER_SERVICES } from '@decnet/core'

/** One grouped row of the repository's per-service histogram. */
export interface ServiceBucketCount {
  t: Date
  count: number
  service?: string
}

/**
 * Per-service bucket counts as a stacked chart's series: the busiest services (over the whole range)
 * first, any beyond MAX_HISTOGRAM_SERIES folded into OTHER_SERVICES, buckets oldest first.
 */
export function serviceSeries(rows: readonly ServiceBucketCount[]): LogsHistogram {
  const totals = new Map<string, number>()
  for (const row of rows) totals.set(row.service ?? '', (totals.get(row.service ?? '') ?? 0) + row.count)
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name)
  const folded = ranked.length > MAX_HISTOGRAM_SERIES
  const services = folded ? [...ranked.slice(0, MAX_HISTOGRAM_SERIES - 1), OTHER_SERVICES] : ranked
  const seriesOf = new Map(services.map((name, index) => [name, index]))
  const other = services.length - 1
  const buckets = new Map<number, { t: string; count: number; byService: number[] }>()
  for (const row of rows) {
    const key = row.t.getTime()
    let bucket = buckets.get(key)
    if (!bucket) {
      bucket = { t: row.t.toISOString(), count: 0, byService: services.map(() => 0) }
      buckets.set(key, bucket)
    }
    const index = seriesOf.get(row.service ?? '') ?? other
    bucket.count += row.count
    bucket.byService[index] = (bucket.byService[index] ?? 0) + row.count
  }
  return { services, buckets: [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, bucket]) => bucket) }
}
