'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { SafeCell, SafeText } from '@/components/safe-text.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { formatTime } from '@/lib/format.ts'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'
import { IpAddress } from './ip-address.tsx'

/**
 * The attacker page's identity section: the other addresses the correlation worker believes are the
 * same actor (with why), and the campaign that identity belongs to. Everything shown is attacker data,
 * rendered as escaped text; viewers get secrets already masked by the API.
 */
export function AttackerIdentity({ attackerId }: { attackerId: string }) {
  const trpc = useTRPC()
  const query = useQuery(
    trpc.attackers.identity.queryOptions({ id: attackerId }, { enabled: attackerId.length > 0 }),
  )
  return (
    <section aria-labelledby="identity" data-testid="attacker-identity">
      <h2 id="identity">Identity</h2>
      {query.isPending && <p className="muted">Loading…</p>}
      {query.isError && <ErrorAlert error={query.error} />}
      {query.data && !query.data.identity && (
        <p className="muted" data-testid="identity-none">
          Not linked to any other address: no shared fingerprints, credentials or indicators found (yet).
        </p>
      )}
      {query.data?.identity && <IdentityDetail identity={query.data.identity} current={attackerId} />}
    </section>
  )
}

type Identity = NonNullable<RouterOutputs['attackers']['identity']['identity']>

function IdentityDetail({ identity, current }: { identity: Identity; current: string }) {
  return (
    <>
      <div className="panel" style={{ marginBottom: 8 }}>
        <p style={{ marginTop: 0 }}>
          <strong data-testid="identity-size">
            {identity.ipCount === 1 ? 'A single address' : `${identity.ipCount} addresses`}
          </strong>{' '}
          <span className="muted small">
            active {formatTime(identity.firstSeen)} → {formatTime(identity.lastSeen)}; correlated{' '}
            {formatTime(identity.computedAt)}
          </span>
        </p>
        <ul className="small" style={{ margin: 0 }} data-testid="identity-evidence">
          {identity.evidence.map((line) => (
            <li key={line}>
              <SafeText value={line} limit={300} />
            </li>
          ))}
        </ul>
      </div>
      {identity.members.length > 1 && (
        <table>
          <TableHead columns={['Address', 'Why it is linked']} />
          <tbody>
            {identity.members.map((member) => (
              <tr key={member.ip} data-testid="identity-member">
                <td className="mono small">
                  {member.attackerId && member.attackerId !== current ? (
                    <Link href={`/attackers/${encodeURIComponent(member.attackerId)}`}>
                      <IpAddress value={member.ip} />
                    </Link>
                  ) : (
                    <IpAddress value={member.ip} />
                  )}
                </td>
                <td className="small">
                  {member.evidence.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    member.evidence.map((line) => (
                      <div key={line}>
                        <SafeText value={line} limit={300} />
                      </div>
                    ))
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {identity.campaign && (
        <div className="panel" style={{ marginTop: 8 }} data-testid="identity-campaign">
          <h3 style={{ marginTop: 0 }}>
            Campaign: {identity.campaign.identityCount} identities, {identity.campaign.ipCount} addresses
          </h3>
          <ul className="small">
            {identity.campaign.evidence.map((line) => (
              <li key={line}>
                <SafeText value={line} limit={300} />
              </li>
            ))}
          </ul>
          {identity.campaign.iocs.length > 0 && (
            <table>
              <TableHead columns={['Shared indicator', 'Kind']} />
              <tbody>
                {identity.campaign.iocs.map((ioc) => (
                  <tr key={`${ioc.kind}|${ioc.value}`}>
                    <SafeCell className="mono small" value={ioc.value} limit={200} />
                    <SafeCell className="small" value={ioc.kind} limit={20} />
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </>
  )
}
