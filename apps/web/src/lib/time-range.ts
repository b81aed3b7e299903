'use client'

import { useCallback, useSyncExternalStore } from 'react'

/**
 * The time range the dashboard and the logs page share: picked on one, kept on the other (stored in
 * localStorage, overridable by `?range=` or `?from=&to=` in a link, e.g. a histogram zoom).
 */
export const RANGES = {
  '15m': { label: 'Last 15 minutes', minutes: 15, bucket: 1 },
  '1h': { label: 'Last hour', minutes: 60, bucket: 2 },
  '24h': { label: 'Last 24 hours', minutes: 1440, bucket: 30 },
  '7d': { label: 'Last 7 days', minutes: 10080, bucket: 180 },
  '30d': { label: 'Last 30 days', minutes: 43200, bucket: 1440 },
  all: { label: 'All time', minutes: null, bucket: 1440 },
} as const
export type RangeKey = keyof typeof RANGES

/** A preset relative to now, or an absolute window (a zoom into a histogram). */
export type TimeRange = { key: RangeKey } | { key: 'custom'; from: string; to: string }

export const DEFAULT_RANGE: TimeRange = { key: '24h' }
const STORAGE_KEY = 'decnet.timeRange'

function isRangeKey(value: unknown): value is RangeKey {
  return typeof value === 'string' && Object.hasOwn(RANGES, value)
}

function isIso(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value))
}

/** Parses a stored or linked range; anything malformed is the default, never an error. */
export function parseTimeRange(input: { range?: unknown; from?: unknown; to?: unknown }): TimeRange {
  if (isIso(input.from) && isIso(input.to) && Date.parse(input.from) < Date.parse(input.to))
    return { key: 'custom', from: new Date(input.from).toISOString(), to: new Date(input.to).toISOString() }
  if (isRangeKey(input.range)) return { key: input.range }
  return DEFAULT_RANGE
}

/** Query-string form of a range, for links that carry it (`/logs?range=1h&q=…`). */
export function timeRangeSearch(range: TimeRange): string {
  return range.key === 'custom'
    ? `from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`
    : `range=${range.key}`
}

/** Bucket size (minutes) that keeps a histogram between ~30 and ~500 bars over a window. */
export function bucketMinutesFor(windowMs: number): number {
  const minutes = windowMs / 60_000
  for (const size of [1, 2, 5, 10, 15, 30, 60, 180, 360, 720, 1440]) if (minutes / size <= 500) return size
  return 1440
}

/**
 * The concrete window of a range at `now`: `from`/`to` ISO strings (absent = unbounded) and the
 * histogram bucket size to ask for.
 */
export function resolveTimeRange(
  range: TimeRange,
  now: number,
): { from?: string; to?: string; bucketMinutes: number; label: string } {
  if (range.key === 'custom') {
    const span = Date.parse(range.to) - Date.parse(range.from)
    return {
      from: range.from,
      to: range.to,
      bucketMinutes: bucketMinutesFor(span),
      label: `${range.from.replace('T', ' ').slice(0, 19)} – ${range.to.replace('T', ' ').slice(0, 19)}`,
    }
  }
  const preset = RANGES[range.key]
  return preset.minutes === null
    ? { bucketMinutes: preset.bucket, label: preset.label }
    : {
        from: new Date(now - preset.minutes * 60_000).toISOString(),
        bucketMinutes: preset.bucket,
        label: preset.label,
      }
}

const listeners = new Set<() => void>()
let current: TimeRange | undefined

function read(): TimeRange {
  if (current) return current
  if (typeof window === 'undefined') return DEFAULT_RANGE
  const params = new URLSearchParams(window.location.search)
  if (params.has('range') || (params.has('from') && params.has('to'))) {
    current = parseTimeRange({
      range: params.get('range'),
      from: params.get('from'),
      to: params.get('to'),
    })
    return current
  }
  try {
    current = parseTimeRange(JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '{}') as object)
  } catch {
    current = DEFAULT_RANGE
  }
  return current
}

function write(range: TimeRange): void {
  current = range
  try {
    window.localStorage.setItem(
      STORAGE_KEY,
      JSON.stringify(range.key === 'custom' ? { from: range.from, to: range.to } : { range: range.key }),
    )
  } catch {
    // Storage full or disabled: the range still applies to this page.
  }
  for (const listener of listeners) listener()
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** The shared range and its setter; every component using it re-renders on a change. */
export function useTimeRange(): [TimeRange, (range: TimeRange) => void] {
  const range = useSyncExternalStore(subscribe, read, () => DEFAULT_RANGE)
  const setRange = useCallback((next: TimeRange) => write(next), [])
  return [range, setRange]
}
