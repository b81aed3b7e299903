'use client'

import { INCIDENT_STATES, type IncidentState, SEVERITIES, type Severity } from '@decnet/core/schemas'
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import Link from 'next/link'
import { type FormEvent, useState } from 'react'
import { SafeBadges } from '@/components/chips.tsx'
import { PagerButtons, useCursorPages } from '@/components/cursor-pager.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { IncidentActions } from '@/components/incident-actions.tsx'
import { IncidentStateBadge, SeverityBadge } from '@/components/incident-badges.tsx'
import { IpAddress } from '@/components/ip-address.tsx'
import { SelectOptions } from '@/components/select-options.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { EmptyRow } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { errorMessage } from '@/lib/errors.ts'
import { formatTime, plural } from '@/lib/format.ts'
import { useTRPC } from '@/trpc/client.ts'

const PAGE_SIZE = 50

const RANGES = {
  '1h': { label: 'Active in the last hour', minutes: 60 },
  '24h': { label: 'Active in the last 24 hours', minutes: 1440 },
  '7d': { label: 'Active in the last 7 days', minutes: 10080 },
  all: { label: 'Any time', minutes: null },
} as const
type RangeKey = keyof typeof RANGES

/** Which states the list shows: the unresolved ones by default, as a triage queue. */
const STATE_VIEWS = {
  unresolved: { label: 'Open and acknowledged', states: ['open', 'acknowledged'] },
  open: { label: 'Open', states: ['open'] },
  acknowledged: { label: 'Acknowledged', states: ['acknowledged'] },
  resolved: { label: 'Resolved', states: ['resolved'] },
  all: { label: 'All states', states: [...INCIDENT_STATES] },
} as const satisfies Record<string, { label: string; states: readonly IncidentState[] }>
type StateView = keyof typeof STATE_VIEWS

type Filters = {
  view: StateView
  minSeverity: Severity | ''
  decky: string
  ip: string
  range: RangeKey
  at: number
}

const INITIAL: Filters = {
  view: 'unresolved',
  minSeverity: '',
  decky: '',
  ip: '',
  range: 'all',
  at: Date.now(),
}

export default function IncidentsPage() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const isAdmin = useIsAdmin()
  const [draft, setDraft] = useState<Filters>(INITIAL)
  const [filters, setFilters] = useState<Filters>(INITIAL)
  const pages = useCursorPages()
  const [arrived, setArrived] = useState<Set<string>>(new Set())
  const [message, setMessage] = useState<string | null>(null)
  const cursor = pages.cursor
  const span = RANGES[filters.range]
  const input = {
    limit: PAGE_SIZE,
    states: [...STATE_VIEWS[filters.view].states],
    ...(filters.minSeverity ? { minSeverity: filters.minSeverity } : {}),
    ...(filters.decky ? { decky: filters.decky } : {}),
    ...(filters.ip ? { attackerIp: filters.ip } : {}),
    ...(span.minutes !== null ? { from: new Date(filters.at - span.minutes * 60_000).toISOString() } : {}),
    ...(cursor ? { cursor } : {}),
  }
  const list = useQuery(trpc.incidents.list.queryOptions(input, { placeholderData: keepPreviousData }))
  // New incidents arrive on the stream; the list is read again so the server applies the filters.
  const live = useSubscription(
    trpc.incidents.onNew.subscriptionOptions(
      {},
      {
        onData: ({ data }) => {
          setArrived((previous) => new Set(previous).add(data.id))
          queryClient.invalidateQueries({ queryKey: trpc.incidents.list.queryKey() })
        },
      },
    ),
  )

  const apply = (event: FormEvent) => {
    event.preventDefault()
    setFilters({ ...draft, decky: draft.decky.trim(), ip: draft.ip.trim(), at: Date.now() })
    pages.reset()
  }

  return (
    <>
      <div className="row spread">
        <h1>Incidents</h1>
        <Link href="/incidents/ignore-rules">Ignore rules</Link>
      </div>
      <p className="muted small">
        Events from one source address, grouped while it stays active, with a severity from what it did.
        Acknowledge an incident you are looking into; resolve it when done (new activity reopens it).
      </p>
      <form className="row" onSubmit={apply} style={{ marginBottom: 8 }} aria-label="Incident filters">
        <label>
          <span className="sr-only">State</span>
          <select
            aria-label="State"
            value={draft.view}
            onChange={(e) => setDraft({ ...draft, view: e.target.value as StateView })}
          >
            <SelectOptions
              values={Object.keys(STATE_VIEWS) as (keyof typeof STATE_VIEWS)[]}
              label={(key) => STATE_VIEWS[key].label}
            />
          </select>
        </label>
        <label>
          <span className="sr-only">Minimum severity</span>
          <select
            aria-label="Minimum severity"
            value={draft.minSeverity}
            onChange={(e) => setDraft({ ...draft, minSeverity: e.target.value as Severity | '' })}
          >
            <option value="">Any severity</option>
            <SelectOptions values={SEVERITIES} label={(severity) => `${severity} or worse`} />
          </select>
        </label>
        <input
          aria-label="Decky"
          placeholder="decky"
          value={draft.decky}
          onChange={(e) => setDraft({ ...draft, decky: e.target.value })}
          size={14}
          maxLength={63}
        />
        <input
          aria-label="Source address"
          placeholder="source IP"
          value={draft.ip}
          onChange={(e) => setDraft({ ...draft, ip: e.target.value })}
          size={16}
          maxLength={45}
        />
        <label>
          <span className="sr-only">Time range</span>
          <select
            aria-label="Time range"
            value={draft.range}
            onChange={(e) => setDraft({ ...draft, range: e.target.value as RangeKey })}
          >
            <SelectOptions
              values={Object.keys(RANGES) as (keyof typeof RANGES)[]}
              label={(key) => RANGES[key].label}
            />
          </select>
        </label>
        <button type="submit" className="primary">
          Filter
        </button>
      </form>
      <p className="small" role="status" data-testid="incidents-live-status">
        {live.status === 'pending'
          ? `Live: connected${arrived.size > 0 ? `, ${arrived.size} new since opened` : ''}`
          : live.status === 'error'
            ? `Live: interrupted (${errorMessage(live.error)}), reconnecting…`
            : 'Live: connecting…'}
      </p>
      {message && (
        <p className="success small" role="status" data-testid="incidents-message">
          {message}
        </p>
      )}
      {list.isError && <ErrorAlert error={list.error} testId="incidents-error" />}
      <div className="muted small" style={{ marginBottom: 6 }} data-testid="incidents-total">
        {list.data ? plural(list.data.total, 'incident') : list.isPending ? 'Loading…' : ''}
        {pages.hasPrevious ? ` · page ${pages.page}` : ''}
      </div>
      <table data-testid="incidents-table" aria-busy={list.isFetching ? 'true' : 'false'}>
        <TableHead
          columns={[
            'Severity',
            'State',
            'Source',
            'Deckies',
            'Services',
            'Events',
            'First / last seen (UTC)',
            isAdmin && { key: 'actions', label: <span className="sr-only">Actions</span> },
          ]}
        />
        <tbody>
          {(list.data?.rows ?? []).map((incident) => (
            <tr
              key={incident.id}
              data-testid="incident-row"
              data-id={incident.id}
              data-live={arrived.has(incident.id) ? 'true' : undefined}
            >
              <td>
                <SeverityBadge severity={incident.severity} />
                {arrived.has(incident.id) && (
                  <div>
                    <span className="badge ok">new</span>
                  </div>
                )}
              </td>
              <td>
                <IncidentStateBadge state={incident.state} />
              </td>
              <td className="mono nowrap">
                <Link href={`/incidents/${encodeURIComponent(incident.id)}`} data-testid="incident-link">
                  <IpAddress value={incident.attackerIp} />
                </Link>
              </td>
              <td>
                <div className="chips">
                  <SafeBadges values={incident.deckies} limit={40} mono />
                </div>
              </td>
              <td>
                <div className="chips">
                  <SafeBadges values={incident.services} limit={32} />
                </div>
              </td>
              <td>{incident.eventCount}</td>
              <td className="small nowrap">
                {formatTime(incident.firstSeen)}
                <div className="muted">{formatTime(incident.lastSeen)}</div>
              </td>
              {isAdmin && (
                <td>
                  <IncidentActions incident={incident} onDone={setMessage} />
                </td>
              )}
            </tr>
          ))}
          {list.isSuccess && list.data.rows.length === 0 && (
            <EmptyRow columns={isAdmin ? 8 : 7}>No incidents match these filters.</EmptyRow>
          )}
        </tbody>
      </table>
      <div className="row" style={{ marginTop: 8 }}>
        <PagerButtons pages={pages} nextCursor={list.data?.nextCursor} />
      </div>
    </>
  )
}
