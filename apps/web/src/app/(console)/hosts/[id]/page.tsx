'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { useParams } from 'next/navigation'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { ImageRolloutPanel } from '@/components/image-rollout-panel.tsx'
import { NotFoundPanel } from '@/components/not-found-panel.tsx'
import { SafeText } from '@/components/safe-text.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { errorCode } from '@/lib/errors.ts'
import { formatTime } from '@/lib/format.ts'
import { useTRPC } from '@/trpc/client.ts'

/** One host: its state, engine, the decoy image it runs, its deckies and the workers that mention it. */
export default function HostPage() {
  const trpc = useTRPC()
  const params = useParams<{ id: string }>()
  const id = decodeURIComponent(params.id ?? '')
  const host = useQuery(trpc.hosts.get.queryOptions({ id }, { refetchInterval: 2_000, retry: false }))
  const fleet = useQuery(trpc.fleet.list.queryOptions(undefined, { refetchInterval: 5_000 }))
  const workers = useQuery(trpc.workers.list.queryOptions(undefined, { refetchInterval: 5_000 }))
  if (host.isPending) return <p className="muted">Loading…</p>
  if (host.isError) {
    if (errorCode(host.error) === 'NOT_FOUND' || errorCode(host.error) === 'BAD_REQUEST')
      return (
        <NotFoundPanel title="No such host">
          <p>
            There is no host <SafeText value={id} limit={64} />.
          </p>
        </NotFoundPanel>
      )
    return <ErrorAlert error={host.error} />
  }
  const data = host.data
  const deckies = (fleet.data ?? []).filter((decky) => decky.hostId === data.id)
  // Workers report per process; a host's runner, reconciler and collector name it in their detail.
  const mentions = (workers.data ?? []).filter(
    (row) => row.detail?.includes(data.id) || row.detail?.includes(data.name),
  )
  return (
    <>
      <p className="small">
        <Link href="/hosts">Hosts</Link> /
      </p>
      <h1 data-testid="host-name">{data.name}</h1>
      <dl className="small" data-testid="host-facts">
        <dt>Status</dt>
        <dd data-testid="host-status">{data.status}</dd>
        <dt>Engine</dt>
        <dd className="mono">
          {data.dockerUrl}
          {data.engine && ` · Docker ${data.engine.version} · ${data.engine.cpus} CPUs`}
        </dd>
        <dt>Last heartbeat</dt>
        <dd>{formatTime(data.lastHeartbeatAt)}</dd>
        <dt>Network</dt>
        <dd className="mono">
          {data.network.driver} {data.network.subnet} via {data.network.gateway}
        </dd>
        <dt>Deckies</dt>
        <dd>
          {data.deckyCount}
          {data.capacity !== null && ` / ${data.capacity}`}
        </dd>
      </dl>
      <ImageRolloutPanel hostId={data.id} />
      <h2>Deckies</h2>
      <table data-testid="host-deckies">
        <TableHead columns={['Decky', 'Address', 'State']} />
        <tbody>
          {deckies.map((decky) => (
            <tr key={decky.name} data-testid={`host-decky-${decky.name}`}>
              <td>
                <Link href={`/fleet/${encodeURIComponent(decky.name)}`}>{decky.name}</Link>
              </td>
              <td className="mono">{decky.address}</td>
              <td>{decky.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Workers</h2>
      <table data-testid="host-workers">
        <TableHead columns={['Worker', 'Status', 'Detail']} />
        <tbody>
          {mentions.map((row) => (
            <tr key={row.worker}>
              <td>{row.worker}</td>
              <td>{row.stale ? 'silent' : row.status}</td>
              <td className="small">
                <SafeText value={row.detail ?? ''} limit={300} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
