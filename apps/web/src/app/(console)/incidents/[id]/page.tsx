'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { useParams } from 'next/navigation'
import { useState } from 'react'
import { SafeBadges } from '@/components/chips.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { IncidentActions } from '@/components/incident-actions.tsx'
import { IncidentStateBadge, SeverityBadge } from '@/components/incident-badges.tsx'
import { IpAddress } from '@/components/ip-address.tsx'
import { LogTable } from '@/components/log-view.tsx'
import { SafeText } from '@/components/safe-text.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { formatTime } from '@/lib/format.ts'
import { useTRPC } from '@/trpc/client.ts'

export default function IncidentDetailPage() {
  const trpc = useTRPC()
  const isAdmin = useIsAdmin()
  const params = useParams<{ id: string }>()
  const id = decodeURIComponent(params.id ?? '')
  const detail = useQuery(trpc.incidents.get.queryOptions({ id }, { enabled: id.length > 0 }))
  const [message, setMessage] = useState<string | null>(null)

  const back = (
    <p>
      <Link href="/incidents">← Incidents</Link>
    </p>
  )
  if (detail.isPending) return <p className="muted">Loading…</p>
  if (detail.isError) {
    return (
      <>
        {back}
        <ErrorAlert error={detail.error} />
      </>
    )
  }
  const incident = detail.data
  return (
    <>
      {back}
      <div className="row spread">
        <h1 className="row" style={{ fontSize: 20 }}>
          <span className="mono nowrap" data-testid="incident-source">
            <IpAddress value={incident.attackerIp} />
          </span>
          <SeverityBadge severity={incident.severity} />
          <IncidentStateBadge state={incident.state} />
        </h1>
        {isAdmin && <IncidentActions incident={incident} onDone={setMessage} />}
      </div>
      {message && (
        <p className="success small" role="status" data-testid="incidents-message">
          {message}
        </p>
      )}
      <div className="grid-2" style={{ marginBottom: 12 }}>
        <section className="panel" aria-labelledby="what">
          <h2 id="what" style={{ marginTop: 0 }}>
            What happened
          </h2>
          <dl className="kv">
            <dt>Seen</dt>
            <dd className="small">
              {formatTime(incident.firstSeen)} → {formatTime(incident.lastSeen)} ({incident.eventCount}{' '}
              events)
            </dd>
            <dt>Opened on</dt>
            <dd className="mono">
              <SafeText value={incident.decky} limit={64} />
            </dd>
            <dt>Deckies</dt>
            <dd className="chips" data-testid="incident-deckies">
              <SafeBadges values={incident.deckies} limit={40} mono />
            </dd>
            <dt>Services</dt>
            <dd className="chips" data-testid="incident-services">
              <SafeBadges values={incident.services} limit={32} />
            </dd>
          </dl>
          <h3>Why {incident.severity}</h3>
          <ul className="small" data-testid="incident-reasons">
            {incident.reasons.map((reason, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: reasons repeat; order is the identity
              <li key={index}>
                <SafeText value={reason} limit={200} />
              </li>
            ))}
          </ul>
        </section>
        <section className="panel" aria-labelledby="review">
          <h2 id="review" style={{ marginTop: 0 }}>
            Review
          </h2>
          <dl className="kv small">
            <dt>Acknowledged</dt>
            <dd data-testid="incident-acknowledged">
              {incident.acknowledgedBy
                ? `by ${incident.acknowledgedBy} at ${formatTime(incident.acknowledgedAt)}`
                : 'not yet'}
            </dd>
            <dt>Resolved</dt>
            <dd data-testid="incident-resolved">
              {incident.resolvedAt
                ? `${incident.resolvedBy ? `by ${incident.resolvedBy} ` : ''}at ${formatTime(incident.resolvedAt)}`
                : 'not yet'}
            </dd>
            <dt>Note</dt>
            <dd data-testid="incident-note">
              {incident.note ? (
                <SafeText value={incident.note} limit={2000} />
              ) : (
                <span className="muted">none</span>
              )}
            </dd>
          </dl>
        </section>
      </div>
      <section aria-labelledby="events">
        <h2 id="events">Events{incident.moreEvents ? ` (the ${incident.events.length} most recent)` : ''}</h2>
        {incident.moreEvents && (
          <p className="muted small">
            Older events: search{' '}
            <code className="nowrap">
              attacker:
              <IpAddress value={incident.attackerIp} />
            </code>{' '}
            on the Logs page.
          </p>
        )}
        <LogTable rows={incident.events} />
      </section>
    </>
  )
}
