'use client'

import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { SafeBadges } from '@/components/chips.tsx'
import { PagerButtons, useCursorPages } from '@/components/cursor-pager.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { IpAddress } from '@/components/ip-address.tsx'
import { SafeCell, SafeText } from '@/components/safe-text.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { EmptyRow, SeenCell } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { useTRPC } from '@/trpc/client.ts'

const MASK = '••••••••'
const PAGE = 50
type View = 'reused' | 'top'
const VIEWS: Record<View, string> = {
  reused: 'Reused (several deckies or addresses)',
  top: 'Most tried',
}

/**
 * Fleet-wide credentials as the correlation worker last summarised them: the reused ones (the same
 * user and secret tried on several deckies or from several addresses) and the most tried pairs.
 */
export default function CredentialsPage() {
  const trpc = useTRPC()
  const isAdmin = useIsAdmin()
  const [view, setView] = useState<View>('reused')
  const pages = useCursorPages()
  const [reveal, setReveal] = useState(false)
  const cursor = pages.cursor
  const list = useQuery(
    trpc.intel.credentials.queryOptions(
      { view, limit: PAGE, ...(cursor ? { cursor } : {}) },
      { placeholderData: keepPreviousData },
    ),
  )
  const choose = (next: View) => {
    setView(next)
    pages.reset()
  }
  return (
    <>
      <h1>Credentials</h1>
      <div className="row spread" style={{ marginBottom: 8 }}>
        <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="sr-only">View</legend>
          {(Object.keys(VIEWS) as View[]).map((key) => (
            <button key={key} type="button" aria-pressed={view === key} onClick={() => choose(key)}>
              {VIEWS[key]}
            </button>
          ))}
        </fieldset>
        {isAdmin && (
          <button type="button" onClick={() => setReveal(!reveal)} aria-pressed={reveal}>
            {reveal ? 'Hide secrets' : 'Reveal secrets'}
          </button>
        )}
      </div>
      {list.isError && <ErrorAlert error={list.error} />}
      {list.data && (
        <>
          <p className="muted small" data-testid="credentials-total">
            {list.data.total} {view === 'reused' ? 'reused credential(s)' : 'credential(s)'}; rebuilt by the
            correlation worker about once a minute.
          </p>
          <table>
            <TableHead
              columns={[
                'Username',
                'Secret',
                'Kind',
                'Attempts',
                'Deckies',
                'Addresses',
                'Services',
                'First / last',
              ]}
            />
            <tbody>
              {list.data.rows.map((row) => (
                <tr
                  key={`${row.kind}|${row.username}|${row.secret}|${row.firstSeen}`}
                  data-testid="credential-summary"
                >
                  <SafeCell className="mono small" value={row.username} limit={80} />
                  <td className="mono small">
                    {isAdmin && reveal ? <SafeText value={row.secret} limit={80} /> : MASK}
                  </td>
                  <SafeCell className="small" value={row.kind} limit={20} />
                  <td>{row.attempts}</td>
                  <td data-testid="credential-deckies">
                    <strong>{row.deckyCount}</strong>{' '}
                    <span className="chips">
                      <SafeBadges values={row.deckies} limit={40} mono />
                    </span>
                  </td>
                  <td data-testid="credential-ips">
                    <strong>{row.ipCount}</strong>{' '}
                    <span className="chips">
                      {row.attackerIps.map((ip) => (
                        <span key={ip} className="badge">
                          <IpAddress value={ip} />
                        </span>
                      ))}
                    </span>
                  </td>
                  <td className="chips">
                    <SafeBadges values={row.services} limit={40} />
                  </td>
                  <SeenCell first={row.firstSeen} last={row.lastSeen} />
                </tr>
              ))}
              {list.data.rows.length === 0 && (
                <EmptyRow columns={8}>
                  {view === 'reused'
                    ? 'No credential tried on two deckies or from two addresses yet.'
                    : 'No credentials yet.'}
                </EmptyRow>
              )}
            </tbody>
          </table>
          <div className="row" style={{ marginTop: 8 }}>
            <PagerButtons pages={pages} nextCursor={list.data.nextCursor} />
          </div>
        </>
      )}
      {list.isPending && <p className="muted">Loading…</p>}
    </>
  )
}
