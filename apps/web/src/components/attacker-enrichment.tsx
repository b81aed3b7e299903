'use client'

import { SafeText } from '@/components/safe-text.tsx'
import { TimeCell } from '@/components/table-cells.tsx'
import { formatTime } from '@/lib/format.ts'
import type { RouterOutputs } from '@/trpc/client.ts'

/** Label, geo/ASN and reverse DNS of an attacker's address (the API's enrichment worker, issue 16). */
export type AttackerEnrichment = NonNullable<RouterOutputs['attackers']['get']['enrichment']>

const LABELS: Record<NonNullable<AttackerEnrichment['label']>, string> = {
  loopback: 'Loopback',
  private: 'Private network',
  link_local: 'Link-local',
  cgnat: 'Carrier-grade NAT',
  multicast: 'Multicast',
  documentation: 'Documentation range',
  unspecified: 'Unspecified',
  broadcast: 'Broadcast',
  benchmarking: 'Benchmarking range',
  reserved: 'Reserved',
  invalid: 'Not an IP address',
}

const RDNS: Record<AttackerEnrichment['rdnsStatus'], string> = {
  ok: '',
  none: 'no PTR record',
  failed: 'lookup failed (retried later)',
  pending: 'pending',
  skipped: 'not resolved (reverse DNS off)',
}

const countryNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' })
  } catch {
    return undefined
  }
})()

function countryName(code: string): string {
  try {
    return countryNames?.of(code) ?? code
  } catch {
    return code
  }
}

/** One line for the attackers table: "US · AS15169 Google LLC" (country name on hover), or the range label. */
export function AttackerGeoCell({ enrichment }: { enrichment: AttackerEnrichment | undefined }) {
  if (!enrichment) return <span className="muted">—</span>
  if (enrichment.label) {
    return (
      <span className="badge" data-testid="attacker-label">
        {LABELS[enrichment.label]}
      </span>
    )
  }
  if (!enrichment.enrichedAt) return <span className="muted small">pending</span>
  return (
    <span className="small" data-testid="attacker-geo">
      {enrichment.country ? (
        <span title={countryName(enrichment.country)}>{enrichment.country}</span>
      ) : (
        <span className="muted">??</span>
      )}
      {enrichment.asn !== null && (
        <>
          {' · '}
          <span className="mono">AS{enrichment.asn}</span>{' '}
          {enrichment.org && <SafeText value={enrichment.org} limit={40} />}
        </>
      )}
    </span>
  )
}

/** The attacker page's "Origin" panel. */
export function AttackerEnrichmentPanel({ enrichment }: { enrichment: AttackerEnrichment | undefined }) {
  return (
    <section
      className="panel"
      aria-labelledby="origin"
      data-testid="attacker-enrichment"
      style={{ marginBottom: 12 }}
    >
      <h2 id="origin" style={{ marginTop: 0 }}>
        Origin
      </h2>
      {!enrichment ? (
        <p className="muted">No enrichment.</p>
      ) : enrichment.label ? (
        <p>
          <span className="badge" data-testid="attacker-label">
            {LABELS[enrichment.label]}
          </span>{' '}
          <span className="muted small">a special-purpose address: not looked up, not resolved.</span>
        </p>
      ) : !enrichment.enrichedAt ? (
        <p className="muted">Not looked up yet (the enrichment worker runs after ingest).</p>
      ) : (
        <>
          <dl className="kv">
            <dt>Country</dt>
            <dd data-testid="attacker-country">
              {enrichment.country ? (
                <>
                  {countryName(enrichment.country)} <span className="muted mono">({enrichment.country})</span>
                </>
              ) : (
                <span className="muted">unknown</span>
              )}
            </dd>
            {enrichment.city && (
              <>
                <dt>City</dt>
                <dd>
                  <SafeText value={enrichment.city} limit={100} />
                </dd>
              </>
            )}
            <dt>Network</dt>
            <dd data-testid="attacker-asn">
              {enrichment.asn !== null ? (
                <>
                  <span className="mono">AS{enrichment.asn}</span>{' '}
                  {enrichment.org && <SafeText value={enrichment.org} limit={100} />}
                </>
              ) : (
                <span className="muted">unknown</span>
              )}
            </dd>
            <dt>Reverse DNS</dt>
            <dd className={enrichment.rdns ? 'mono' : 'muted'} data-testid="attacker-rdns">
              {enrichment.rdns ? (
                <SafeText value={enrichment.rdns} limit={253} />
              ) : (
                RDNS[enrichment.rdnsStatus]
              )}
            </dd>
            <dt>Looked up</dt>
            <dd className="small">
              {formatTime(enrichment.enrichedAt)} in{' '}
              <SafeText value={enrichment.source.split(',').join(', ')} limit={200} />
            </dd>
          </dl>
          <p className="muted small" style={{ marginBottom: 0 }}>
            Offline data: country from IPtoASN; ASN from{' '}
            <a href="https://www.routeviews.org/" rel="noreferrer noopener" target="_blank">
              RouteViews
            </a>
            , RIR statistics (NRO) and{' '}
            <a href="https://db-ip.com" rel="noreferrer noopener" target="_blank">
              IP Geolocation by DB-IP
            </a>{' '}
            (CC BY 4.0), unless an operator database answered.
          </p>
        </>
      )}
    </section>
  )
}

/** The columns every attackers table shows after the address: origin, first seen, last seen. */
export function AttackerOriginCells({
  attacker,
}: {
  attacker: { enrichment?: AttackerEnrichment | undefined; firstSeen: string; lastSeen: string }
}) {
  return (
    <>
      <td className="nowrap">
        <AttackerGeoCell enrichment={attacker.enrichment} />
      </td>
      <TimeCell at={attacker.firstSeen} />
      <TimeCell at={attacker.lastSeen} />
    </>
  )
}
