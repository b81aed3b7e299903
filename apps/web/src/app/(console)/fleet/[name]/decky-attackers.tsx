'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { AttackerOriginCells } from '@/components/attacker-enrichment.tsx'
import { SafeBadges } from '@/components/chips.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { SafeText } from '@/components/safe-text.tsx'
import { EmptyRow } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { useTRPC } from '@/trpc/client.ts'

const SHOWN = 25

/** Attackers who touched this decky (attackers.list filtered by decky), most recent first. */
export function DeckyAttackers({ name }: { name: string }) {
  const trpc = useTRPC()
  const attackers = useQuery(
    trpc.attackers.list.queryOptions(
      { decky: name, sort: 'recent', limit: SHOWN },
      { refetchInterval: 30_000 },
    ),
  )
  const rows = attackers.data?.rows ?? []
  return (
    <section aria-labelledby="attackers-heading" data-testid="decky-attackers">
      <div className="decky-section-head">
        <h2 id="attackers-heading">
          Attackers who touched it{attackers.data ? ` (${attackers.data.total.toLocaleString('en')})` : ''}
        </h2>
      </div>
      {attackers.isError && <ErrorAlert error={attackers.error} />}
      <div className="decky-scroll">
        <table>
          <TableHead columns={['IP', 'Origin', 'First seen', 'Last seen', 'Events', 'Services']} />
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} data-testid="decky-attacker-row">
                <td className="mono nowrap">
                  <Link href={`/attackers/${encodeURIComponent(a.id)}`}>
                    <SafeText value={a.ip} limit={64} />
                  </Link>
                </td>
                <AttackerOriginCells attacker={a} />
                <td>{a.eventCount}</td>
                <td>
                  <div className="chips">
                    <SafeBadges values={a.services} limit={32} />
                  </div>
                </td>
              </tr>
            ))}
            {attackers.isSuccess && rows.length === 0 && (
              <EmptyRow columns={6}>No attacker has touched this decky yet.</EmptyRow>
            )}
          </tbody>
        </table>
      </div>
      {attackers.data && attackers.data.total > rows.length && (
        <p className="muted small">
          The {rows.length} most recent of {attackers.data.total.toLocaleString('en')}.
        </p>
      )}
    </section>
  )
}
