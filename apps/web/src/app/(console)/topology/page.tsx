'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { HOP_COLUMNS, HopCells, hopKey } from '@/components/hop-cells.tsx'
import { IpAddress } from '@/components/ip-address.tsx'
import { EmptyRow } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { TopologyGraph } from '@/components/topology-graph.tsx'
import { attackerEventsHref } from '@/lib/log-links.ts'
import { useTRPC } from '@/trpc/client.ts'
import '@/styles/topology.css'

export default function TopologyPage() {
  const trpc = useTRPC()
  // Live states as the fleet list shows them, and new hops as they are ingested.
  const topology = useQuery(trpc.topology.get.queryOptions(undefined, { refetchInterval: 5_000 }))

  return (
    <>
      <h1>Topology</h1>
      <p className="muted">
        The deployed networks and the deckies on them: an inner network is reached only through its pivot (a
        decky on two networks, drawn as a square). Red arrows are attackers' hops through a pivot to a decky
        behind it (lateral movement).
      </p>
      {topology.isError && <ErrorAlert error={topology.error} />}
      {topology.isPending ? (
        <p aria-busy="true">Loading the topology…</p>
      ) : topology.data && topology.data.networks.length === 0 ? (
        <p data-testid="topology-empty">
          No topology is deployed: every decky sits on the flat LAN. Declare{' '}
          <code>[network.&lt;name&gt;]</code> sections and <code>networks =</code> on deckies in an INI to
          build one.
        </p>
      ) : (
        topology.data && (
          <>
            <TopologyGraph topology={topology.data} label="Networks, deckies and attackers' hops" />
            <section aria-labelledby="topology-networks">
              <h2 id="topology-networks">Networks</h2>
              <table data-testid="topology-networks">
                <TableHead columns={['Network', 'Subnet', 'Kind', 'Reached from', 'Deckies']} />
                <tbody>
                  {topology.data.networks.map((network) => (
                    <tr key={network.name}>
                      <td className="mono">{network.name}</td>
                      <td className="mono small">{network.subnet}</td>
                      <td>{network.entry ? 'entry' : 'internal'}</td>
                      <td className="small">
                        {network.parent && network.via ? (
                          <>
                            {network.parent} via <Link href={`/fleet/${network.via}`}>{network.via}</Link>
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td className="small mono">
                        {topology.data.nodes
                          .flatMap((node) =>
                            node.links
                              .filter((link) => link.network === network.name)
                              .map((link) => `${node.name} ${link.ip}`),
                          )
                          .join(', ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section aria-labelledby="topology-hops">
              <h2 id="topology-hops">Lateral movement</h2>
              <table data-testid="topology-hops">
                <TableHead
                  columns={['Attacker', 'Pivot', 'Reached', 'Destination', 'Count', 'First / last']}
                />
                <tbody>
                  {topology.data.hops.length === 0 && (
                    <EmptyRow columns={HOP_COLUMNS.length + 1}>
                      No attacker has gone through a pivot yet.
                    </EmptyRow>
                  )}
                  {topology.data.hops.map((hop) => (
                    <tr key={hopKey(hop)} data-testid="topology-hop-row">
                      <td className="mono small">
                        <Link href={attackerEventsHref(hop.attackerIp)}>
                          <IpAddress value={hop.attackerIp} />
                        </Link>
                      </td>
                      <HopCells hop={hop} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </>
        )
      )}
    </>
  )
}
