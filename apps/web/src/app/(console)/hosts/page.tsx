'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import Link from 'next/link'
import { useState } from 'react'
import { ConfirmAction } from '@/components/confirm-step.tsx'
import { EnrollHostForm } from '@/components/enroll-host-form.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { ImageRolloutPanel } from '@/components/image-rollout-panel.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { formatTime } from '@/lib/format.ts'
import { operationCallbacks } from '@/lib/operation-callbacks.ts'
import { useTRPC } from '@/trpc/client.ts'

const STATUS_CLASS: Record<string, string> = {
  active: 'status-up',
  enrolled: 'status-disabled',
  unreachable: 'status-down',
  decommissioning: 'status-disabled',
  decommissioned: 'status-disabled',
}

type HostRow = { id: string; name: string; deckyCount: number }

/** Decommission with a confirmation step: it tears every decky on the host down. */
function DecommissionAction({ host, onMessage }: { host: HostRow; onMessage: (message: string) => void }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const decommission = useMutation(
    trpc.hosts.decommission.mutationOptions(
      operationCallbacks('decommission', host.name, onMessage, () => {
        queryClient.invalidateQueries({ queryKey: trpc.hosts.list.queryKey() })
        queryClient.invalidateQueries({ queryKey: trpc.fleet.list.queryKey() })
      }),
    ),
  )
  return (
    <ConfirmAction
      label="Decommission"
      ariaLabel={`Decommission ${host.name}`}
      question={`Tear down its ${host.deckyCount} ${host.deckyCount === 1 ? 'decky' : 'deckies'} and retire ${host.name}?`}
      confirmLabel="Confirm decommission"
      pending={decommission.isPending}
      onConfirm={(close) => decommission.mutate({ id: host.id }, { onSuccess: close })}
    />
  )
}

export default function HostsPage() {
  const trpc = useTRPC()
  // No subscription carries host heartbeats yet, so the list refreshes on the heartbeat's own cadence.
  const hosts = useQuery(trpc.hosts.list.queryOptions(undefined, { refetchInterval: 2_000 }))
  const [message, setMessage] = useState<string | null>(null)
  return (
    <>
      <h1>Hosts</h1>
      <p className="muted small">
        Each additional host is a Docker Engine listening with <code>--tlsverify</code>; create its
        certificates with <code>scripts/host-certs.sh</code> and enrol it below or with{' '}
        <code>decnet hosts enroll</code>; the decoy image is pushed to it over the same connection. Deckies
        without a <code>host =</code> key go to the active host with the most free capacity.
      </p>
      {message && (
        <p role="status" className="small" data-testid="hosts-message">
          {message}
        </p>
      )}
      {hosts.isError && <ErrorAlert error={hosts.error} />}
      <table data-testid="hosts-table">
        <TableHead
          columns={[
            'Host',
            'Status',
            'Engine',
            'Last heartbeat',
            'Deckies / capacity',
            'Network',
            { key: 'actions', label: <span className="sr-only">Actions</span> },
          ]}
        />
        <tbody>
          {(hosts.data ?? []).map((host) => (
            <tr key={host.id} data-testid={`host-${host.name}`} data-status={host.status}>
              <td>
                <Link href={`/hosts/${encodeURIComponent(host.id)}`} data-testid="host-link">
                  <strong>{host.name}</strong>
                </Link>{' '}
                {host.builtIn && <span className="badge">built-in</span>}
              </td>
              <td className={STATUS_CLASS[host.status] ?? ''} data-testid="host-status">
                {host.status}
                {host.leftovers && host.leftovers.deckies.length > 0 && (
                  <div className="muted small" data-testid="host-leftovers">
                    left running: {host.leftovers.deckies.map((decky) => decky.name).join(', ')} —{' '}
                    {host.leftovers.sweptAt
                      ? `swept ${formatTime(host.leftovers.sweptAt)}`
                      : 'swept if it answers again'}
                  </div>
                )}
              </td>
              <td className="small">
                <span className="mono">{host.dockerUrl}</span>
                {host.engine && (
                  <div className="muted" data-testid="host-engine">
                    {/^\d/.test(host.engine.version) ? `Docker ${host.engine.version}` : host.engine.version}{' '}
                    · {host.engine.cpus} CPUs · {(host.engine.memoryMiB / 1024).toFixed(1)} GiB
                  </div>
                )}
              </td>
              <td className="small">{formatTime(host.lastHeartbeatAt)}</td>
              <td data-testid="host-deckies">
                {host.deckyCount}
                {host.capacity !== null && <span className="muted small"> / {host.capacity}</span>}
              </td>
              <td className="mono small">
                {host.network.driver} {host.network.subnet}
              </td>
              <td>
                {!host.builtIn && host.status !== 'decommissioned' && host.status !== 'decommissioning' && (
                  <DecommissionAction host={host} onMessage={setMessage} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ImageRolloutPanel />
      <EnrollHostForm onEnrolled={setMessage} />
    </>
  )
}
