// What the enrichment worker found about an attacker's address, on attackers.get and attackers.list.
// An address not enriched yet still gets its label (computed here: pure, no lookup).
import { ZIsoDate } from '@decnet/core'
import type { AttackerEnrichment } from '@decnet/db'
import { RDNS_STATUSES } from '@decnet/db'
import { ADDRESS_LABELS, addressLabel } from '@decnet/lifecycle'
import { z } from 'zod'

export const ZAttackerEnrichment = z.object({
  /** Special-purpose range (never looked up nor resolved), or null for a public address. */
  label: z.enum(ADDRESS_LABELS).nullable(),
  /** ISO 3166-1 alpha-2. */
  country: z.string().length(2).nullable(),
  city: z.string().max(200).nullable(),
  asn: z.number().int().nonnegative().nullable(),
  org: z.string().max(200).nullable(),
  /** The PTR name (attacker-controlled: capped, printable ASCII), when reverse DNS is on and found one. */
  rdns: z.string().max(253).nullable(),
  rdnsStatus: z.enum(RDNS_STATUSES),
  /** The databases it was looked up in ("" before the worker's first pass over this address). */
  source: z.string().max(500),
  /** Null until the enrichment worker has been over this address. */
  enrichedAt: ZIsoDate.nullable(),
})

export function toEnrichmentOutput(
  ip: string,
  stored: AttackerEnrichment | undefined,
): z.input<typeof ZAttackerEnrichment> {
  if (!stored) {
    return {
      label: addressLabel(ip),
      country: null,
      city: null,
      asn: null,
      org: null,
      rdns: null,
      rdnsStatus: 'skipped',
      source: '',
      enrichedAt: null,
    }
  }
  return {
    label: (ADDRESS_LABELS as readonly string[]).includes(stored.label ?? '')
      ? (stored.label as (typeof ADDRESS_LABELS)[number])
      : addressLabel(ip),
    country: stored.country,
    city: stored.city,
    asn: stored.asn,
    org: stored.org,
    rdns: stored.rdns,
    rdnsStatus: stored.rdnsStatus,
    source: stored.geoSource.slice(0, 500),
    enrichedAt: stored.enrichedAt.toISOString(),
  }
}
