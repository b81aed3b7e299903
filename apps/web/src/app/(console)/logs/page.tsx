'use client'

import { TABLE_EXPORT_FORMATS } from '@decnet/core/schemas'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { ExportButton } from '@/components/export-button.tsx'
import { type Log, LogTable } from '@/components/log-view.tsx'
import { errorMessage } from '@/lib/errors.ts'
import { formatTime } from '@/lib/format.ts'
import { useTRPC, useTRPCClient } from '@/trpc/client.ts'

const RANGES = {
  '15m': { label: 'Last 15 minutes', minutes: 15, bucket: 1 },
  '1h': { label: 'Last hour', minutes: 60, bucket: 2 },
  '24h': { label: 'Last 24 hours', minutes: 1440, bucket: 30 },
  '7d': { label: 'Last 7 days', minutes: 10080, bucket: 180 },
  '30d': { label: 'Last 30 days', minutes: 43200, bucket: 1440 },
  all: { label: 'All time', minutes: null, bucket: 1440 },
} as const
type RangeKey = keyof typeof RANGES

const PAGE_SIZE = 50
const LIVE_BUFFER = 500

type Bucket = { t: string; count: number }

/** Every bucket of the range, empty ones included, so the bars keep a true time axis. */
function fillBuckets(
  buckets: Bucket[],
  fromIso: string | undefined,
  toMs: number,
  minutes: number,
): Bucket[] {
  const size = minutes * 60_000
  const counts = new Map(buckets.map((b) => [Math.floor(new Date(b.t).getTime() / size) * size, b.count]))
  const firstData = Math.min(...counts.keys())
  const start = Math.floor((fromIso ? new Date(fromIso).getTime() : firstData) / size) * size
  if (!Number.isFinite(start)) return []
  const out: Bucket[] = []
  for (let t = start; t <= toMs && out.length < 2000; t += size) {
    out.push({ t: new Date(t).toISOString(), count: counts.get(t) ?? 0 })
  }
  return out
}

function Histogram({ buckets }: { buckets: Bucket[] }) {
  const max = Math.max(1, ...buckets.map((b) => b.count))
  const total = buckets.reduce((sum, b) => sum + b.count, 0)
  return (
    <figure style={{ margin: '0 0 10px' }}>
      <div
        className="histogram"
        role="img"
        aria-label={`Histogram: ${total} events in ${buckets.length} buckets`}
      >
        {total === 0 && <span className="muted small">No events in this range.</span>}
        {buckets.map((b) => (
          <div
            key={b.t}
            className={b.count === 0 ? 'bar zero' : 'bar'}
            style={{ height: `${Math.max(2, (b.count / max) * 100)}%` }}
            title={`${formatTime(b.t)}: ${b.count}`}
          />
        ))}
      </div>
      <figcaption className="muted small row spread">
        <span>{buckets[0] ? formatTime(buckets[0].t) : ''}</span>
        <span>
          {total} events · peak {max === 1 && total === 0 ? 0 : max}
        </span>
        <span>{buckets.length > 0 ? formatTime(buckets[buckets.length - 1]?.t) : ''}</span>
      </figcaption>
    </figure>
  )
}

export default function LogsPage() {
  const trpc = useTRPC()
  const [draft, setDraft] = useState('')
  const [range, setRange] = useState<RangeKey>('24h')
  const [applied, setApplied] = useState({ q: '', range: '24h' as RangeKey, at: Date.now() })
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  const [live, setLive] = useState(false)
  const [showSystem, setShowSystem] = useState(false)
  const [liveRows, setLiveRows] = useState<Log[]>([])
  const searchBox = useRef<HTMLInputElement>(null)

  // "/" jumps to the search box from anywhere on the page (unless typing in a field).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
      if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault()
        searchBox.current?.focus()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const span = RANGES[applied.range]
  const from = span.minutes === null ? undefined : new Date(applied.at - span.minutes * 60_000).toISOString()
  // The checkbox adds `system:any` unless the query already says which system rows it wants.
  const typed = applied.q.trim()
  const q = (showSystem && !/(^|\s)system:/i.test(typed) ? `${typed} system:any`.trim() : typed) || undefined
  const cursor = cursors[cursors.length - 1]

  const client = useTRPCClient()
  const search = useQuery(
    trpc.logs.search.queryOptions(
      { q, from, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
      { placeholderData: keepPreviousData },
    ),
  )
  const histogram = useQuery(trpc.logs.histogram.queryOptions({ q, from, bucketMinutes: span.bucket }))
  const subscription = useSubscription(
    trpc.logs.live.subscriptionOptions(
      { q },
      {
        enabled: live,
        onData: ({ data }) => setLiveRows((previous) => [data, ...previous].slice(0, LIVE_BUFFER)),
      },
    ),
  )

  const apply = (event?: FormEvent) => {
    event?.preventDefault()
    setApplied({ q: draft, range, at: Date.now() })
    setCursors([undefined])
    setLiveRows([])
  }

  const liveIds = useMemo(() => new Set(liveRows.map((r) => r.id)), [liveRows])
  const pageRows = search.data?.rows ?? []
  const rows =
    live && cursors.length === 1 ? [...liveRows, ...pageRows.filter((r) => !liveIds.has(r.id))] : pageRows

  return (
    <>
      <h1>Logs</h1>
      <form className="row" onSubmit={apply} style={{ marginBottom: 8 }}>
        <label style={{ flex: 1 }}>
          <span className="sr-only">Search query</span>
          <input
            ref={searchBox}
            type="search"
            name="q"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder='words, "exact phrases", key:value — e.g. wget service:ssh user:root attacker:10.0.0.5 last:2h'
            style={{ flex: 1, width: '100%' }}
            maxLength={512}
            aria-label="Search query"
            aria-keyshortcuts="/"
            title="Search (press / to focus)"
          />
        </label>
        <label>
          <span className="sr-only">Time range</span>
          <select
            value={range}
            onChange={(e) => setRange(e.target.value as RangeKey)}
            aria-label="Time range"
          >
            {Object.entries(RANGES).map(([key, r]) => (
              <option key={key} value={key}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          Search
        </button>
        <label>
          <input
            type="checkbox"
            checked={live}
            onChange={(e) => {
              setLive(e.target.checked)
              setLiveRows([])
              if (e.target.checked) setCursors([undefined])
            }}
            data-testid="live-toggle"
          />
          Live tail
        </label>
        <label title="DECNET's own readiness probes (system:any)">
          <input
            type="checkbox"
            checked={showSystem}
            onChange={(e) => {
              setShowSystem(e.target.checked)
              setCursors([undefined])
              setLiveRows([])
            }}
            data-testid="system-toggle"
          />
          Show system traffic
        </label>
      </form>
      <div className="row" style={{ marginBottom: 8 }}>
        <ExportButton
          label="Export this search"
          formats={TABLE_EXPORT_FORMATS}
          start={(format) =>
            client.exports.logs.mutate({
              format,
              ...(q ? { q } : {}),
              ...(from ? { from } : {}),
            })
          }
        />
      </div>
      <p className="muted small">
        All terms must match. Words match anywhere, <code>&quot;quoted phrases&quot;</code> match in order,{' '}
        <code>decky:</code> <code>service:</code> <code>event:</code> <code>attacker:</code> match exactly,
        any other <code>key:value</code> searches that captured field; <code>last:2h</code>,{' '}
        <code>from:</code>, <code>to:</code> narrow the time. DECNET&apos;s own readiness probes are hidden:{' '}
        <code>system:true</code> shows only them, <code>system:any</code> both (marked{' '}
        <span className="badge">system</span>).
      </p>
      {histogram.data && (
        <Histogram buckets={fillBuckets(histogram.data.buckets, from, applied.at, span.bucket)} />
      )}
      {(search.isError || histogram.isError) && (
        <ErrorAlert error={search.error ?? histogram.error} testId="search-error" />
      )}
      {live && (
        <p className="small" role="status" data-testid="live-status">
          {subscription.status === 'pending'
            ? `Live: connected, ${liveRows.length} new`
            : subscription.status === 'error'
              ? `Live: interrupted (${errorMessage(subscription.error)}), reconnecting…`
              : 'Live: connecting…'}
        </p>
      )}
      <div className="row spread" style={{ marginBottom: 6 }}>
        <span className="muted small" data-testid="log-total">
          {search.data ? `${search.data.total} matching rows` : search.isPending ? 'Searching…' : ''}
          {live && liveRows.length > 0 ? ` (+${liveRows.length} live since the search)` : ''}
          {cursors.length > 1 ? ` · page ${cursors.length}` : ''}
        </span>
        <span className="row">
          <button
            type="button"
            disabled={cursors.length <= 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Newer
          </button>
          <button
            type="button"
            disabled={!search.data?.nextCursor}
            onClick={() => {
              const next = search.data?.nextCursor
              if (next) {
                setLive(false)
                setCursors([...cursors, next])
              }
            }}
          >
            Older
          </button>
        </span>
      </div>
      <LogTable rows={rows} live={liveIds} busy={search.isFetching} />
    </>
  )
}
