'use client'

import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { PagerButtons, useCursorPages } from '@/components/cursor-pager.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { SafeText } from '@/components/safe-text.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { TimeCell } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { TextField } from '@/components/text-field.tsx'
import { useTRPC } from '@/trpc/client.ts'

const PAGE = 50

type Filters = { actor: string; action: string; target: string; since: string }
const NO_FILTERS: Filters = { actor: '', action: '', target: '', since: '' }

/** The filters as audit.list takes them: blank fields left out, the local date-time as ISO. */
function listInput(filters: Filters, cursor: string | undefined) {
  const since = filters.since ? new Date(filters.since) : undefined
  return {
    limit: PAGE,
    ...(filters.actor.trim() ? { actor: filters.actor.trim() } : {}),
    ...(filters.action.trim() ? { action: filters.action.trim() } : {}),
    ...(filters.target.trim() ? { target: filters.target.trim() } : {}),
    ...(since && !Number.isNaN(since.getTime()) ? { since: since.toISOString() } : {}),
    ...(cursor ? { cursor } : {}),
  }
}

function AuditLog() {
  const trpc = useTRPC()
  const [draft, setDraft] = useState<Filters>(NO_FILTERS)
  const [filters, setFilters] = useState<Filters>(NO_FILTERS)
  // Older pages come by cursor.
  const pages = useCursorPages()
  const cursor = pages.cursor
  const entries = useQuery(
    trpc.audit.list.queryOptions(listInput(filters, cursor), { placeholderData: keepPreviousData }),
  )
  const apply = (event: FormEvent) => {
    event.preventDefault()
    setFilters(draft)
    pages.reset()
  }
  const field = (key: keyof Filters) => (value: string) =>
    setDraft((current) => ({ ...current, [key]: value }))
  return (
    <>
      <form
        className="row"
        style={{ marginBottom: 8 }}
        onSubmit={apply}
        aria-label="Audit filters"
        data-testid="audit-filters"
      >
        <TextField label="Actor" value={draft.actor} onValue={field('actor')} placeholder="admin" />
        <TextField label="Action" value={draft.action} onValue={field('action')} placeholder="fleet." />
        <TextField
          label="Target"
          value={draft.target}
          onValue={field('target')}
          placeholder="decky, host, user id"
        />
        <TextField label="Since" type="datetime-local" value={draft.since} onValue={field('since')} />
        <button type="submit" className="primary">
          Filter
        </button>
      </form>
      {entries.isError && <ErrorAlert error={entries.error} />}
      <table data-testid="audit-table">
        <TableHead columns={['Time', 'Actor', 'Action', 'Target', 'Source IP', 'Outcome', 'Detail']} />
        <tbody>
          {(entries.data?.rows ?? []).map((entry) => (
            <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
              <TimeCell at={entry.at} />
              <td className="nowrap" data-testid="audit-actor">
                <SafeText value={entry.actor} limit={64} />
              </td>
              <td className="mono small nowrap">{entry.action}</td>
              <td className="mono small">
                <SafeText value={entry.target || '—'} limit={64} />
              </td>
              <td className="mono small nowrap" data-testid="audit-ip">
                {entry.sourceIp ?? 'system'}
              </td>
              <td
                className={entry.outcome === 'ok' ? 'status-up' : 'status-down'}
                data-testid="audit-outcome"
              >
                {entry.outcome}
              </td>
              <td className="mono small">
                <SafeText value={entry.detail} limit={120} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.data && entries.data.rows.length === 0 && <p className="muted">No entries match.</p>}
      <p className="row">
        <PagerButtons pages={pages} nextCursor={entries.data?.nextCursor} newestFirst />
      </p>
    </>
  )
}

export default function AuditPage() {
  const isAdmin = useIsAdmin()
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted small">
        Every operator action — deploys, mutations, teardowns, configuration, users, hosts, sign-ins — with
        who made it, from which address and how it ended. Secrets in inputs are redacted. The log cannot be
        edited.
      </p>
      {isAdmin ? (
        <AuditLog />
      ) : (
        <p role="alert" className="alert">
          The audit log is for admins.
        </p>
      )}
    </>
  )
}
