'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { useParams } from 'next/navigation'
import { NotFoundPanel } from '@/components/not-found-panel.tsx'
import { SafeText } from '@/components/safe-text.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { errorCode } from '@/lib/errors.ts'
import { useTRPC } from '@/trpc/client.ts'
import { DeckyAttackers } from './decky-attackers.tsx'
import { DeckyEvents } from './decky-events.tsx'
import { DeckyFileDrops } from './decky-file-drops.tsx'
import { DeckyHeader } from './decky-header.tsx'
import { DeckyHistory } from './decky-history.tsx'
import { DeckyNetworks } from './decky-networks.tsx'
import { DeckyPersona } from './decky-persona.tsx'
import { DeckyServices } from './decky-services.tsx'
import '@/styles/decky.css'

/** One decky: persona, services, file drops (admins), operations history, its events, attackers who touched it, actions. */
export default function DeckyPage() {
  const trpc = useTRPC()
  const params = useParams<{ name: string }>()
  const name = decodeURIComponent(params.name ?? '')
  const isAdmin = useIsAdmin()
  // The reconciler changes states without a stream: refresh as the fleet page does.
  const decky = useQuery(
    trpc.fleet.get.queryOptions({ name }, { refetchInterval: 15_000, retry: false, enabled: name !== '' }),
  )

  if (decky.isPending) return <p className="muted">Loading…</p>
  if (decky.isError) {
    if (errorCode(decky.error) === 'NOT_FOUND' || errorCode(decky.error) === 'BAD_REQUEST') {
      return (
        <NotFoundPanel title="No such decky">
          <p>
            There is no decky named{' '}
            <span className="mono">
              <SafeText value={name} limit={64} />
            </span>
            . It may have been torn down; its past events stay in the logs.
          </p>
        </NotFoundPanel>
      )
    }
    return (
      <>
        <p>
          <Link href="/fleet">← Fleet</Link>
        </p>
        <p className="alert" role="alert">
          {decky.error.message}
        </p>
      </>
    )
  }
  const d = decky.data
  return (
    <div data-testid="decky-page" data-decky={d.name}>
      <p style={{ margin: '0 0 6px' }}>
        <Link href="/fleet">← Fleet</Link>
      </p>
      <DeckyHeader decky={d} />
      <div className="grid-2">
        <DeckyPersona decky={d} />
        <DeckyServices decky={d} />
      </div>
      {d.topology && <DeckyNetworks topology={d.topology} />}
      {isAdmin && <DeckyFileDrops name={d.name} />}
      <DeckyHistory name={d.name} />
      <DeckyEvents name={d.name} />
      <DeckyAttackers name={d.name} />
    </div>
  )
}
