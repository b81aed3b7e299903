'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { HOP_COLUMNS, HopCells, hopKey } from '@/components/hop-cells.tsx'
import { SafeText } from '@/components/safe-text.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { useTRPC } from '@/trpc/client.ts'
import '@/styles/topology.css'

/**
 * The attacker's lateral movement (attackers.path): the deckies it reached through pivots as one
 * path, then each hop. Nothing is shown for an attacker that never went through a pivot.
 */
export function AttackerPath({ attackerId }: { attackerId: string }) {
  const trpc = useTRPC()
  const path = useQuery(trpc.attackers.path.queryOptions({ id: attackerId }))
  if (path.isError) return <ErrorAlert error={path.error} />
  if (!path.data || path.data.hops.length === 0) return null
  return (
    <section className="panel" aria-labelledby="lateral" data-testid="attacker-path">
      <h2 id="lateral" style={{ marginTop: 0 }}>
        Lateral movement
      </h2>
      <ol className="path-steps mono" aria-label="Deckies reached in order" data-testid="attacker-path-steps">
        <li>
          <SafeText value={path.data.attackerIp} limit={64} />
        </li>
        {path.data.path.map((decky, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a decky may be revisited; order is the identity
          <li key={index}>
            <Link href={`/fleet/${decky}`}>{decky}</Link>
          </li>
        ))}
      </ol>
      <table>
        <TableHead columns={HOP_COLUMNS} />
        <tbody>
          {path.data.hops.map((hop) => (
            <tr key={hopKey(hop)} data-testid="attacker-hop">
              <HopCells hop={hop} />
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">
        <Link href="/topology">See it on the topology →</Link>
      </p>
    </section>
  )
}
