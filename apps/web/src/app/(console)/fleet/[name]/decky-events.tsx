'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { LogTable } from '@/components/log-view.tsx'
import { useTRPC } from '@/trpc/client.ts'

const SHOWN = 20

/** Its most recent events in the shared log view, and the way to all of them in Logs. */
export function DeckyEvents({ name }: { name: string }) {
  const trpc = useTRPC()
  const q = `decky:${name}`
  const events = useQuery(
    trpc.logs.search.queryOptions(
      { q, limit: SHOWN },
      { refetchInterval: 15_000, refetchOnWindowFocus: true },
    ),
  )
  return (
    <section aria-labelledby="events-heading" data-testid="decky-events">
      <div className="decky-section-head">
        <h2 id="events-heading">Events{events.data ? ` (${events.data.total.toLocaleString('en')})` : ''}</h2>
        <Link href={`/logs?q=${encodeURIComponent(q)}`} data-testid="decky-all-events">
          All events of this decky →
        </Link>
      </div>
      {events.isError && <ErrorAlert error={events.error} />}
      {events.data && (
        <div className="decky-scroll">
          <LogTable rows={events.data.rows} busy={events.isFetching} />
        </div>
      )}
      {events.data && events.data.total > events.data.rows.length && (
        <p className="muted small">
          The {events.data.rows.length} most recent of {events.data.total.toLocaleString('en')}.
        </p>
      )}
    </section>
  )
}
