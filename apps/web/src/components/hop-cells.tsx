import Link from 'next/link'
import { SafeText } from '@/components/safe-text.tsx'
import { SeenCell } from '@/components/table-cells.tsx'
import type { TopologyHop } from '@/lib/topology-layout.ts'

/** The columns HopCells fills, for the table's header. */
export const HOP_COLUMNS = ['Pivot', 'Reached', 'Destination', 'Count', 'First / last']

/** A row key for a hop: one per attacker, pivot and destination (as the API groups them). */
export const hopKey = (hop: TopologyHop) =>
  `${hop.attackerIp}|${hop.from}|${hop.to ?? hop.dstIp}|${hop.dstPort}`

/** One hop through a pivot as table cells; the destination came over the attacker's connection. */
export function HopCells({ hop }: { hop: TopologyHop }) {
  return (
    <>
      <td className="mono small">
        <Link href={`/fleet/${hop.from}`}>{hop.from}</Link>
      </td>
      <td className="mono small">{hop.to ? <Link href={`/fleet/${hop.to}`}>{hop.to}</Link> : '—'}</td>
      <td className="mono small">
        <SafeText value={`${hop.dstIp ?? '?'}:${hop.dstPort ?? '?'}`} limit={80} />
      </td>
      <td>{hop.count}</td>
      <SeenCell first={hop.firstSeen} last={hop.lastSeen} />
    </>
  )
}
