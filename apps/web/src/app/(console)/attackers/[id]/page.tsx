'use client'

import { keepPreviousData, useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { useParams } from 'next/navigation'
import { useState } from 'react'
import { AttackerEnrichmentPanel } from '@/components/attacker-enrichment.tsx'
import { AttackerIdentity } from '@/components/attacker-identity.tsx'
import { AttackerIntelSection } from '@/components/attacker-intel.tsx'
import { AttackerPath } from '@/components/attacker-path.tsx'
import { AttackerSessions } from '@/components/attacker-sessions.tsx'
import { SafeBadges } from '@/components/chips.tsx'
import { PagerButtons, useCursorPages } from '@/components/cursor-pager.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { IpAddress } from '@/components/ip-address.tsx'
import { LogFields } from '@/components/log-view.tsx'
import { SafeCell, SafeText } from '@/components/safe-text.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { EmptyRow, SeenCell } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { formatTime } from '@/lib/format.ts'
import { attackerEventsHref } from '@/lib/log-links.ts'
import { useTRPC } from '@/trpc/client.ts'

const MASK = '••••••••'
const CREDENTIAL_PAGE = 50

export default function AttackerDetailPage() {
  const trpc = useTRPC()
  const isAdmin = useIsAdmin()
  const params = useParams<{ id: string }>()
  const id = decodeURIComponent(params.id ?? '')
  // Credentials come a page at a time (an attacker decides how many there are); the stack of cursors
  // walks back.
  const pages = useCursorPages()
  const cursor = pages.cursor
  const detail = useQuery(
    trpc.attackers.get.queryOptions(
      { id, credentialLimit: CREDENTIAL_PAGE, ...(cursor ? { credentialCursor: cursor } : {}) },
      { enabled: id.length > 0, placeholderData: keepPreviousData },
    ),
  )
  const [reveal, setReveal] = useState(false)

  if (detail.isPending) return <p className="muted">Loading…</p>
  if (detail.isError) {
    return (
      <>
        <p>
          <Link href="/attackers">← Attackers</Link>
        </p>
        <ErrorAlert error={detail.error} />
      </>
    )
  }
  const a = detail.data
  const timeline = [...a.recentLogs].sort((x, y) => y.timestamp.localeCompare(x.timestamp))
  return (
    <>
      <p>
        <Link href="/attackers">← Attackers</Link>
      </p>
      <h1 className="mono" style={{ fontSize: 20 }}>
        <IpAddress value={a.ip} />
      </h1>
      <div className="grid-3" style={{ marginBottom: 12 }}>
        <div className="stat">
          <div className="muted small">Events</div>
          <div className="n">{a.eventCount}</div>
          <Link className="small" href={attackerEventsHref(a.ip)} data-testid="attacker-events-link">
            All events of this attacker →
          </Link>
        </div>
        <div className="stat">
          <div className="muted small">Credentials tried</div>
          <div className="n">{a.credentialCount}</div>
        </div>
        <div className="stat">
          <div className="muted small">Seen</div>
          <div className="small">
            {formatTime(a.firstSeen)} → {formatTime(a.lastSeen)}
          </div>
        </div>
      </div>
      <AttackerEnrichmentPanel enrichment={a.enrichment} />
      <div className="grid-2">
        <section className="panel" aria-labelledby="touched">
          <h2 id="touched" style={{ marginTop: 0 }}>
            Deckies and services touched
          </h2>
          <dl className="kv">
            <dt>Deckies</dt>
            <dd className="chips">
              <SafeBadges values={a.deckies} limit={40} mono />
            </dd>
            <dt>Services</dt>
            <dd className="chips">
              <SafeBadges values={a.services} limit={40} />
            </dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="commands">
          <h2 id="commands" style={{ marginTop: 0 }}>
            Commands ({a.commands.length})
          </h2>
          {a.commands.length === 0 ? (
            <p className="muted">No commands captured.</p>
          ) : (
            <ol
              className="mono small"
              style={{ margin: 0, paddingLeft: 22, maxHeight: 240, overflow: 'auto' }}
            >
              {a.commands.map((command, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: commands repeat; order is the identity
                <li key={index}>
                  <SafeText value={command} limit={200} />
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
      <AttackerPath attackerId={a.id} />
      <AttackerIntelSection id={a.id} />
      <AttackerIdentity attackerId={a.id} />
      <section aria-labelledby="creds">
        <div className="row spread">
          <h2 id="creds">Credentials ({a.credentialTotal})</h2>
          {isAdmin && a.credentials.length > 0 && (
            <button type="button" onClick={() => setReveal(!reveal)} aria-pressed={reveal}>
              {reveal ? 'Hide secrets' : 'Reveal secrets'}
            </button>
          )}
        </div>
        <table>
          <TableHead columns={['Decky', 'Service', 'Kind', 'Username', 'Secret', 'Count', 'First / last']} />
          <tbody>
            {a.credentials.map((c) => (
              <tr
                key={`${c.decky}|${c.service}|${c.kind}|${c.username}|${c.secret}|${c.firstSeen}`}
                data-testid="credential-row"
              >
                <SafeCell className="mono small" value={c.decky} limit={40} />
                <SafeCell className="small" value={c.service} limit={40} />
                <SafeCell className="small" value={c.kind} limit={40} />
                <SafeCell className="mono small" value={c.username} limit={80} />
                <td className="mono small">
                  {isAdmin && reveal ? <SafeText value={c.secret} limit={80} /> : MASK}
                </td>
                <td>{c.count}</td>
                <SeenCell first={c.firstSeen} last={c.lastSeen} />
              </tr>
            ))}
            {a.credentials.length === 0 && <EmptyRow columns={7}>No credentials captured.</EmptyRow>}
          </tbody>
        </table>
        {a.credentialTotal > a.credentials.length && (
          <div className="row" style={{ marginTop: 8 }}>
            <span className="muted small" data-testid="credentials-range">
              {(pages.page - 1) * CREDENTIAL_PAGE + 1}–
              {(pages.page - 1) * CREDENTIAL_PAGE + a.credentials.length} of {a.credentialTotal}
            </span>
            <PagerButtons
              pages={pages}
              nextCursor={a.credentialsNextCursor}
              previousLabel="Previous credentials"
              nextLabel="Next credentials"
            />
          </div>
        )}
      </section>
      <AttackerSessions attackerId={a.id} />
      <section aria-labelledby="timeline">
        <h2 id="timeline">Timeline (recent events)</h2>
        {a.moreLogs && (
          <p className="muted small">
            The {a.recentLogs.length} most recent of {a.eventCount} events; search the logs for{' '}
            <span className="mono">
              ip:
              <IpAddress value={a.ip} />
            </span>{' '}
            for the rest.
          </p>
        )}
        <ol style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {timeline.map((log) => (
            <li key={log.id} className="panel" style={{ padding: '6px 10px', marginBottom: 4 }}>
              <div className="row small">
                <span className="mono">{formatTime(log.timestamp)}</span>
                <span className="badge mono">
                  <SafeText value={log.decky} limit={40} />
                </span>
                <span className="badge">
                  <SafeText value={log.service} limit={40} />
                </span>
                <strong>
                  <SafeText value={log.eventType} limit={60} />
                </strong>
              </div>
              <LogFields log={log} />
            </li>
          ))}
          {timeline.length === 0 && <li className="muted">No events.</li>}
        </ol>
      </section>
    </>
  )
}
