'use client'

import { TABLE_EXPORT_FORMATS } from '@decnet/core/schemas'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { type FormEvent, Suspense, useEffect, useId, useMemo, useRef, useState } from 'react'
import { PagerButtons, useCursorPages } from '@/components/cursor-pager.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { ExportButton } from '@/components/export-button.tsx'
import { LogHistogram } from '@/components/log-histogram.tsx'
import { LogSearchBox, SEARCH_EXAMPLES } from '@/components/log-search-box.tsx'
import { type Log, LogTable } from '@/components/log-view.tsx'
import { TimeRangePicker } from '@/components/time-range-picker.tsx'
import { errorCode, errorMessage } from '@/lib/errors.ts'
import { logsHref } from '@/lib/log-links.ts'
import { DEFAULT_RANGE, resolveTimeRange, type TimeRange, useTimeRange } from '@/lib/time-range.ts'
import { useTRPC, useTRPCClient } from '@/trpc/client.ts'
import '@/styles/logs.css'

const PAGE_SIZE = 50
const LIVE_BUFFER = 500

/** Where a malformed search went wrong (the API's data.searchError), if the error says. */
function searchErrorPosition(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const data = (error as { data?: { searchError?: { position?: unknown } } | null }).data
  const position = data?.searchError?.position
  return typeof position === 'number' ? position : undefined
}

/** The refused query with the offending character marked, under the message. */
function SearchError({ id, error, query }: { id: string; error: unknown; query: string }) {
  const position = searchErrorPosition(error)
  return (
    <div className="alert log-search-error" role="alert" id={id} data-testid="search-error">
      <div>{errorMessage(error)}</div>
      {position !== undefined && query.length > 0 && (
        <div className="mono log-search-error-query" data-testid="search-error-query">
          {query.slice(0, position)}
          <mark>{query.slice(position, position + 1) || ' '}</mark>
          {query.slice(position + 1)}
        </div>
      )}
    </div>
  )
}

function LogsView() {
  const trpc = useTRPC()
  const router = useRouter()
  const pathname = usePathname()
  const params = useSearchParams()
  const linkedQ = params.get('q') ?? ''
  const [draft, setDraft] = useState(linkedQ)
  const [applied, setApplied] = useState({ q: linkedQ, at: Date.now() })
  const [range, setRange] = useTimeRange()
  // The preset a zoom started from, so "Reset zoom" returns to it.
  const [beforeZoom, setBeforeZoom] = useState<TimeRange | null>(null)
  const pages = useCursorPages()
  const [live, setLive] = useState(false)
  const [showSystem, setShowSystem] = useState(false)
  const [liveRows, setLiveRows] = useState<Log[]>([])
  const searchBox = useRef<HTMLInputElement>(null)
  const errorId = useId()

  // A link (`/logs?q=attacker:…`) sets the search, also when followed from this page. The address this
  // page writes itself (after a search) arrives later and must not overwrite what is typed since.
  const searchedQ = useRef(linkedQ)
  useEffect(() => {
    if (linkedQ === searchedQ.current) return
    searchedQ.current = linkedQ
    setDraft(linkedQ)
    setApplied({ q: linkedQ, at: Date.now() })
    pages.reset()
    setLiveRows([])
  }, [linkedQ, pages.reset])

  // A new range (picker, zoom, reset) searches again from now, from the first page.
  const pickRange = (next: TimeRange) => {
    setRange(next)
    setApplied((previous) => ({ ...previous, at: Date.now() }))
    pages.reset()
  }

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

  const window_ = resolveTimeRange(range, applied.at)
  const { from, to, bucketMinutes } = window_
  // The checkbox adds `system:any` unless the query already says which system rows it wants.
  const typed = applied.q.trim()
  const q = (showSystem && !/(^|\s)system:/i.test(typed) ? `${typed} system:any`.trim() : typed) || undefined
  const cursor = pages.cursor

  const client = useTRPCClient()
  const search = useQuery(
    trpc.logs.search.queryOptions(
      { q, from, to, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
      { placeholderData: keepPreviousData },
    ),
  )
  const histogram = useQuery(
    trpc.logs.histogram.queryOptions({ q, from, to, bucketMinutes }, { placeholderData: keepPreviousData }),
  )
  const queryError = [search.error, histogram.error].find((error) => errorCode(error) === 'BAD_REQUEST')
  const subscription = useSubscription(
    trpc.logs.live.subscriptionOptions(
      { q },
      {
        enabled: live && !queryError,
        onData: ({ data }) => setLiveRows((previous) => [data, ...previous].slice(0, LIVE_BUFFER)),
      },
    ),
  )

  const apply = (event?: FormEvent) => {
    event?.preventDefault()
    setApplied({ q: draft, at: Date.now() })
    pages.reset()
    setLiveRows([])
    // The address carries the search, so it can be shared or bookmarked.
    searchedQ.current = draft.trim()
    if (draft.trim() !== linkedQ) router.replace(draft.trim() ? logsHref(draft.trim()) : pathname)
  }

  const zoom = (start: Date, end: Date) => {
    if (range.key !== 'custom') setBeforeZoom(range)
    pickRange({ key: 'custom', from: start.toISOString(), to: end.toISOString() })
  }

  const liveIds = useMemo(() => new Set(liveRows.map((r) => r.id)), [liveRows])
  const pageRows = queryError ? [] : (search.data?.rows ?? [])
  const rows =
    live && !pages.hasPrevious ? [...liveRows, ...pageRows.filter((r) => !liveIds.has(r.id))] : pageRows

  // The chart spans the whole window; "all time" starts at the first bucket.
  const firstBucket = histogram.data?.buckets[0]?.t
  const chartFrom = from ? Date.parse(from) : firstBucket ? Date.parse(firstBucket) : applied.at - 86_400_000
  const chartTo = to ? Date.parse(to) : applied.at

  return (
    <>
      <form className="log-toolbar" onSubmit={apply}>
        <h1>Logs</h1>
        <LogSearchBox
          value={draft}
          onChange={setDraft}
          inputRef={searchBox}
          invalid={queryError !== undefined}
          errorId={errorId}
        />
        <TimeRangePicker value={range} onChange={pickRange} />
        {range.key === 'custom' && (
          <button
            type="button"
            onClick={() => pickRange(beforeZoom ?? DEFAULT_RANGE)}
            data-testid="reset-zoom"
          >
            Reset zoom
          </button>
        )}
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      {queryError !== undefined && <SearchError id={errorId} error={queryError} query={typed} />}
      <div className="log-toolbar small">
        <label>
          <input
            type="checkbox"
            checked={live}
            onChange={(e) => {
              setLive(e.target.checked)
              setLiveRows([])
              if (e.target.checked) pages.reset()
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
              pages.reset()
              setLiveRows([])
            }}
            data-testid="system-toggle"
          />
          Show system traffic
        </label>
        <ExportButton
          label="Export this search"
          formats={TABLE_EXPORT_FORMATS}
          start={(format) =>
            client.exports.logs.mutate({
              format,
              ...(q ? { q } : {}),
              ...(from ? { from } : {}),
              ...(to ? { to } : {}),
            })
          }
        />
        <details className="log-help">
          <summary>Search syntax</summary>
          <p className="muted">
            Words match anywhere, <code>&quot;quoted phrases&quot;</code> in order; all terms must match
            unless joined by <code>OR</code>; <code>NOT</code> excludes; parentheses group, e.g.{' '}
            <code>service:ssh (user:root OR user:admin)</code>. <code>decky:</code> <code>service:</code>{' '}
            <code>event:</code> <code>attacker:</code> match exactly, <code>user:</code>/<code>pass:</code>{' '}
            the captured username/password, any other <code>key:value</code> that captured field (type a key
            to see them). <code>last:2h</code>, <code>from:</code>, <code>to:</code> narrow the time.
            DECNET&apos;s own probes are hidden: <code>system:true</code> shows only them,{' '}
            <code>system:any</code> both. Examples:{' '}
            {SEARCH_EXAMPLES.map((example) => (
              <code key={example}>{example}</code>
            ))}
          </p>
        </details>
      </div>
      {histogram.data && !queryError && (
        <LogHistogram
          histogram={histogram.data}
          from={chartFrom}
          to={chartTo}
          bucketMinutes={bucketMinutes}
          onZoom={zoom}
        />
      )}
      {!queryError && (search.isError || histogram.isError) && (
        <ErrorAlert error={search.error ?? histogram.error} testId="load-error" />
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
      <div className="row spread log-pager">
        <span className="muted small" data-testid="log-total">
          {queryError
            ? 'Search not run: fix the query above'
            : search.data
              ? `${search.data.total} matching rows`
              : search.isPending
                ? 'Searching…'
                : ''}
          {live && liveRows.length > 0 ? ` (+${liveRows.length} live since the search)` : ''}
          {pages.hasPrevious ? ` · page ${pages.page}` : ''}
          <span data-testid="log-range"> · {window_.label}</span>
        </span>
        <span className="row">
          <PagerButtons
            pages={pages}
            nextCursor={search.data?.nextCursor}
            newestFirst
            onNext={() => setLive(false)}
          />
        </span>
      </div>
      <LogTable rows={rows} live={liveIds} busy={search.isFetching} />
    </>
  )
}

export default function LogsPage() {
  // useSearchParams needs a boundary to render the page statically around it.
  return (
    <Suspense fallback={<h1>Logs</h1>}>
      <LogsView />
    </Suspense>
  )
}
