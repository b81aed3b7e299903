'use client'

import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import Link from 'next/link'
import { useCallback, useEffect, useRef, useState } from 'react'
import { StackedTimeline } from '@/components/charts/stacked-timeline.tsx'
import { WorldMap } from '@/components/charts/world-map.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { SeverityBadge } from '@/components/incident-badges.tsx'
import { SafeText } from '@/components/safe-text.tsx'
import { TimeRangePicker } from '@/components/time-range-picker.tsx'
import { errorMessage } from '@/lib/errors.ts'
import { formatTime } from '@/lib/format.ts'
import { resolveTimeRange, timeRangeSearch, useTimeRange } from '@/lib/time-range.ts'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'
import '@/styles/dashboard.css'

/** Live events refresh the figures at most this often (a flood must not become a query storm). */
const REFRESH_MS = 3_000
/** With no live event, the figures still follow the clock ("now", a sliding window). */
const IDLE_REFRESH_MS = 30_000
const FEED_ROWS = 15

type Overview = RouterOutputs['dashboard']['overview']
type FeedRow = RouterOutputs['logs']['search']['rows'][number]

// The lists re-render on every live refresh: their links are not prefetched (dozens of routes each time).
const logsOf = (q: string, range: string) => `/logs?q=${encodeURIComponent(q)}&${range}`

function Stat({ label, value, testId }: { label: string; value: number | string; testId: string }) {
  return (
    <div className="stat dash-stat">
      <div className="n" data-testid={testId}>
        {value}
      </div>
      <div className="muted small">{label}</div>
    </div>
  )
}

function TopList<Row>({
  title,
  testId,
  rows,
  empty,
  render,
}: {
  title: string
  testId: string
  rows: readonly Row[]
  empty: string
  render: (row: Row) => React.ReactNode
}) {
  return (
    <section className="panel dash-card" aria-label={title} data-testid={testId} data-count={rows.length}>
      <h2 className="dash-title">{title}</h2>
      {rows.length === 0 ? (
        <p className="muted small">{empty}</p>
      ) : (
        <ol className="dash-list">{rows.map(render)}</ol>
      )}
    </section>
  )
}

function Bar({ value, max }: { value: number; max: number }) {
  return (
    <span className="dash-bar" aria-hidden="true">
      <span style={{ width: `${Math.max(2, (value / Math.max(1, max)) * 100)}%` }} />
    </span>
  )
}

function attackerHref(row: { attackerId: string | null; ip: string }, range: string): string {
  return row.attackerId ? `/attackers/${row.attackerId}` : logsOf(`attacker:${row.ip}`, range)
}

function TopLists({ view, range }: { view: Overview; range: string }) {
  const maxAttacker = view.topAttackers[0]?.events ?? 1
  const maxService = view.services[0]?.events ?? 1
  const maxDecky = view.deckies[0]?.events ?? 1
  return (
    <div className="dash-grid dash-tops">
      <TopList
        title="Top attackers"
        testId="top-attackers"
        rows={view.topAttackers}
        empty="No attackers in this range."
        render={(row) => (
          <li key={row.ip} data-testid="top-attacker-row" data-ip={row.ip} data-events={row.events}>
            <Link prefetch={false} href={attackerHref(row, range)} className="mono nowrap">
              {row.ip}
            </Link>
            <span className="muted small">{row.label ?? row.country ?? ''}</span>
            <Bar value={row.events} max={maxAttacker} />
            <span className="dash-n">{row.events}</span>
          </li>
        )}
      />
      <TopList
        title="Top services"
        testId="top-services"
        rows={view.services}
        empty="No services attacked in this range."
        render={(row) => (
          <li
            key={row.service}
            data-testid="top-service-row"
            data-service={row.service}
            data-events={row.events}
          >
            <Link prefetch={false} href={logsOf(`service:${row.service}`, range)}>
              {row.service}
            </Link>
            <Bar value={row.events} max={maxService} />
            <span className="dash-n">{row.events}</span>
          </li>
        )}
      />
      <TopList
        title="Top deckies"
        testId="top-deckies"
        rows={view.deckies}
        empty="No decky attacked in this range."
        render={(row) => (
          <li key={row.decky} data-testid="top-decky-row" data-decky={row.decky} data-events={row.events}>
            <Link prefetch={false} href={`/fleet/${encodeURIComponent(row.decky)}`}>
              {row.decky}
            </Link>
            <span className="muted small">{row.attackers} src</span>
            <Bar value={row.events} max={maxDecky} />
            <span className="dash-n">{row.events}</span>
          </li>
        )}
      />
      <TopList
        title="Top credentials"
        testId="top-credentials"
        rows={view.credentials}
        empty="No credentials tried in this range."
        render={(row) => (
          <li
            key={`${row.kind}:${row.username}:${row.secret}`}
            data-testid="top-credential-row"
            data-attempts={row.attempts}
          >
            <span className="mono dash-cred">
              <SafeText value={row.username || '(none)'} limit={32} /> /{' '}
              <SafeText value={row.secret} limit={32} />
            </span>
            <span className="muted small">{row.attackers} src</span>
            <span className="dash-n">{row.attempts}</span>
          </li>
        )}
      />
    </div>
  )
}

function NewAttackers({ view, range }: { view: Overview; range: string }) {
  return (
    <TopList
      title={`New attackers (${view.newAttackers.total})`}
      testId="new-attackers"
      rows={view.newAttackers.rows}
      empty="No attacker first seen in this range."
      render={(row) => (
        <li key={row.ip} data-testid="new-attacker-row" data-ip={row.ip}>
          <Link prefetch={false} href={attackerHref(row, range)} className="mono nowrap">
            {row.ip}
          </Link>
          <span className="muted small">{row.country ?? ''}</span>
          <span className="muted small nowrap">{formatTime(row.firstSeen)}</span>
        </li>
      )}
    />
  )
}

function LiveFeed({ rows, status }: { rows: FeedRow[]; status: string }) {
  return (
    <section
      className="panel dash-card"
      aria-label="Live feed"
      data-testid="live-feed"
      data-count={rows.length}
    >
      <div className="row spread">
        <h2 className="dash-title">Live feed</h2>
        <span className="muted small" role="status" data-testid="dashboard-live-status">
          {status}
        </span>
      </div>
      {rows.length === 0 ? (
        <p className="muted small">Waiting for attack events…</p>
      ) : (
        <ol className="dash-feed">
          {rows.map((row) => (
            <li key={row.id} data-testid="live-feed-row" data-decky={row.decky} data-service={row.service}>
              <span className="muted small nowrap">{formatTime(row.timestamp).slice(11)}</span>
              <Link prefetch={false} href={`/fleet/${encodeURIComponent(row.decky)}`} className="nowrap">
                {row.decky}
              </Link>
              <span className="badge">{row.service}</span>
              <span className="dash-event">
                <SafeText value={row.eventType} limit={32} />
              </span>
              {row.attackerIp && (
                <Link
                  prefetch={false}
                  href={logsOf(`attacker:${row.attackerIp}`, 'range=1h')}
                  className="mono nowrap"
                >
                  {row.attackerIp}
                </Link>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

function Now() {
  const trpc = useTRPC()
  const now = useQuery(trpc.dashboard.now.queryOptions(undefined, { refetchInterval: 15_000 }))
  if (now.isError) return <ErrorAlert error={now.error} testId="dashboard-now-error" />
  const data = now.data
  return (
    <>
      <section
        className="panel dash-card"
        aria-label="Under attack now"
        data-testid="under-attack"
        data-count={data?.underAttack.length ?? 0}
      >
        <h2 className="dash-title">Under attack now {data ? `(last ${data.minutes} min)` : ''}</h2>
        {!data ? (
          <p className="muted small">Loading…</p>
        ) : data.underAttack.length === 0 ? (
          <p className="muted small">No decky is being attacked right now.</p>
        ) : (
          <ol className="dash-list">
            {data.underAttack.map((row) => (
              <li
                key={row.decky}
                data-testid="under-attack-row"
                data-decky={row.decky}
                data-events={row.events}
              >
                <span className="dash-pulse" aria-hidden="true" />
                <Link prefetch={false} href={`/fleet/${encodeURIComponent(row.decky)}`}>
                  {row.decky}
                </Link>
                <span className="muted small">
                  {row.attackers} src · {formatTime(row.lastSeen).slice(11)}
                </span>
                <span className="dash-n">{row.events}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
      {data && data.openIncidents.total > 0 && (
        <section className="panel dash-card" aria-label="Open incidents" data-testid="open-incidents">
          <div className="row spread">
            <h2 className="dash-title">Open incidents ({data.openIncidents.total})</h2>
            <Link prefetch={false} href="/incidents" className="small">
              All incidents
            </Link>
          </div>
          <ol className="dash-list">
            {data.openIncidents.rows.map((row) => (
              <li key={row.id} data-testid="open-incident-row">
                <SeverityBadge severity={row.severity} />
                <Link prefetch={false} href={`/incidents/${row.id}`} className="mono nowrap">
                  {row.attackerIp}
                </Link>
                <Link prefetch={false} href={`/fleet/${encodeURIComponent(row.decky)}`} className="small">
                  {row.decky}
                </Link>
                <span className="dash-n">{row.eventCount}</span>
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  )
}

export default function DashboardPage() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [range, setRange] = useTimeRange()
  const [at, setAt] = useState(() => Date.now())
  const [feed, setFeed] = useState<FeedRow[]>([])
  const window = resolveTimeRange(range, at)
  const rangeSearch = timeRangeSearch(range)

  const overview = useQuery(
    trpc.dashboard.overview.queryOptions(
      {
        ...(window.from ? { from: window.from } : {}),
        ...(window.to ? { to: window.to } : {}),
        bucketMinutes: window.bucketMinutes,
        top: 10,
      },
      { placeholderData: keepPreviousData },
    ),
  )

  // Refresh at most every REFRESH_MS: a preset window slides to now, a fixed one is fetched again.
  const lastRefresh = useRef(0)
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const refreshSoon = useCallback(() => {
    if (pending.current) return
    const wait = Math.max(0, lastRefresh.current + REFRESH_MS - Date.now())
    pending.current = setTimeout(() => {
      pending.current = undefined
      lastRefresh.current = Date.now()
      setAt(Date.now())
      void queryClient.invalidateQueries({ queryKey: trpc.dashboard.pathKey() })
    }, wait)
  }, [queryClient, trpc])
  useEffect(() => {
    const idle = setInterval(refreshSoon, IDLE_REFRESH_MS)
    return () => {
      clearInterval(idle)
      if (pending.current) clearTimeout(pending.current)
      pending.current = undefined
    }
  }, [refreshSoon])

  const live = useSubscription(
    trpc.logs.live.subscriptionOptions(
      {},
      {
        onData: ({ data }) => {
          setFeed((previous) => [data, ...previous.filter((row) => row.id !== data.id)].slice(0, FEED_ROWS))
          refreshSoon()
        },
      },
    ),
  )
  const liveStatus =
    live.status === 'pending'
      ? 'live'
      : live.status === 'error'
        ? `interrupted (${errorMessage(live.error)}), reconnecting…`
        : 'connecting…'

  const view = overview.data
  return (
    <div className="dash" data-testid="dashboard" data-updated={overview.dataUpdatedAt}>
      <header className="row spread dash-head">
        <h1>Overview</h1>
        <div className="row">
          <span className="muted small" aria-live="polite">
            {overview.isFetching
              ? 'Updating…'
              : view
                ? `Updated ${formatTime(new Date(overview.dataUpdatedAt).toISOString()).slice(11)}`
                : ''}
          </span>
          <TimeRangePicker
            value={range}
            onChange={(next) => {
              setRange(next)
              setAt(Date.now())
            }}
          />
        </div>
      </header>
      {overview.isError && <ErrorAlert error={overview.error} testId="dashboard-error" />}
      <div className="dash-stats">
        <Stat label="attack events" value={view?.events ?? '…'} testId="dashboard-events" />
        <Stat label="attackers" value={view?.attackers ?? '…'} testId="dashboard-attackers" />
        <Stat
          label="new attackers"
          value={view?.newAttackers.total ?? '…'}
          testId="dashboard-new-attackers"
        />
        <Stat label="services attacked" value={view?.services.length ?? '…'} testId="dashboard-services" />
      </div>
      <div className="dash-grid dash-main">
        <section className="panel dash-card dash-wide" aria-label="Attack events over time">
          <div className="row spread">
            <h2 className="dash-title">Events over time by service</h2>
            <Link prefetch={false} href={logsOf('', rangeSearch)} className="small">
              Open in Logs
            </Link>
          </div>
          {view ? (
            <StackedTimeline
              rows={view.timeline}
              bucketMinutes={view.bucketMinutes}
              fromMs={window.from ? Date.parse(window.from) : undefined}
              toMs={window.to ? Date.parse(window.to) : at}
            />
          ) : (
            <p className="muted small">Loading…</p>
          )}
        </section>
        <div className="dash-side">
          <Now />
        </div>
      </div>
      {view && <TopLists view={view} range={rangeSearch} />}
      <div className="dash-grid dash-main">
        <section className="panel dash-card dash-wide" aria-label="Sources by country">
          <h2 className="dash-title">Sources by country</h2>
          {view ? <WorldMap regions={view.regions} /> : <p className="muted small">Loading…</p>}
        </section>
        <div className="dash-side">
          {view && <NewAttackers view={view} range={rangeSearch} />}
          <LiveFeed rows={feed} status={liveStatus} />
        </div>
      </div>
    </div>
  )
}
