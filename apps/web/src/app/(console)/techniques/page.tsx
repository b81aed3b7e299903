'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { AttackTechnique } from '@/components/attack-technique.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { IpAddress } from '@/components/ip-address.tsx'
import { NavigatorLayerButton } from '@/components/navigator-layer-button.tsx'
import { EmptyRow, SeenCell } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { useTRPC } from '@/trpc/client.ts'

/** Fleet-wide ATT&CK techniques: how many attackers used each, how often, and who most. */
export default function TechniquesPage() {
  const trpc = useTRPC()
  const techniques = useQuery(trpc.intel.techniques.queryOptions())
  const rows = techniques.data?.rows ?? []
  return (
    <>
      <div className="row spread">
        <h1>Techniques</h1>
        <NavigatorLayerButton />
      </div>
      <p className="muted small">
        MITRE ATT&amp;CK techniques the tagging rules saw across the fleet, most attackers first. The
        Navigator layer scores each by its number of attackers.
      </p>
      {techniques.isError && <ErrorAlert error={techniques.error} />}
      <table data-testid="techniques-table">
        <TableHead
          columns={['Technique', 'Tactics', 'Attackers', 'Sightings', 'First / last seen', 'Top attackers']}
        />
        <tbody>
          {rows.map((t) => (
            <tr key={t.technique} data-testid="technique-row">
              <td>
                <AttackTechnique id={t.technique} name={t.name} />
              </td>
              <td className="small">{t.tactics.join(', ')}</td>
              <td>{t.attackers}</td>
              <td>{t.hits}</td>
              <SeenCell first={t.firstSeen} last={t.lastSeen} />
              <td>
                <div className="chips">
                  {t.topAttackers.map((a) => (
                    <Link key={a.id} className="badge mono" href={`/attackers/${encodeURIComponent(a.id)}`}>
                      <IpAddress value={a.ip} /> ×{a.count}
                    </Link>
                  ))}
                </div>
              </td>
            </tr>
          ))}
          {techniques.isSuccess && rows.length === 0 && (
            <EmptyRow columns={6}>No technique tagged yet.</EmptyRow>
          )}
        </tbody>
      </table>
    </>
  )
}
