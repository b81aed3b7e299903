'use client'

import { useQuery } from '@tanstack/react-query'
import { errorMessage } from '../../../lib/errors.ts'
import { formatTime } from '../../../lib/format.ts'
import { useTRPC } from '../../../trpc/client.ts'

const STATUS_CLASS: Record<string, string> = {
  active: 'status-up',
  enrolled: 'status-disabled',
  unreachable: 'status-down',
  decommissioning: 'status-disabled',
}

/** Hosts: the built-in local engine and every enrolled one, with the heartbeat's verdict. */
export default function HostsPage() {
  const trpc = useTRPC()
  // No subscription carries host heartbeats yet, so the list refreshes on the heartbeat's own cadence.
  const hosts = useQuery(trpc.hosts.list.queryOptions(undefined, { refetchInterval: 2_000 }))
  return (
    <>
      <h1>Hosts</h1>
      <p className="muted small">
        Each additional host is a Docker Engine listening with <code>--tlsverify</code>; create its
        certificates with <code>scripts/host-certs.sh</code> and enroll it through <code>hosts.enroll</code>.
      </p>
      {hosts.isError && (
        <p role="alert" className="alert">
          {errorMessage(hosts.error)}
        </p>
      )}
      <table data-testid="hosts-table">
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">Status</th>
            <th scope="col">Engine</th>
            <th scope="col">Last heartbeat</th>
            <th scope="col">Deckies</th>
            <th scope="col">Network</th>
          </tr>
        </thead>
        <tbody>
          {(hosts.data ?? []).map((host) => (
            <tr key={host.id} data-testid={`host-${host.name}`} data-status={host.status}>
              <td>
                <strong>{host.name}</strong> {host.builtIn && <span className="badge">built-in</span>}
              </td>
              <td className={STATUS_CLASS[host.status] ?? ''} data-testid="host-status">
                {host.status}
              </td>
              <td className="mono small">{host.dockerUrl}</td>
              <td className="small">{formatTime(host.lastHeartbeatAt)}</td>
              <td>{host.deckyCount}</td>
              <td className="mono small">
                {host.network.driver} {host.network.subnet}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
