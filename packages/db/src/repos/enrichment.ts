// Attacker enrichment: label, geo/ASN and reverse DNS per source IP (prisma/domains/enrichment.prisma).
// Written only by the enrichment worker; read by attackers.get/list through `forIps`.
import type { Connection } from '../client.ts'
import { pickColumns } from '../columns.ts'
import { type SqlArg, toDate, toOptionalDate, toOptionalNumber, valuesPlaceholders } from '../sql.ts'

export const RDNS_STATUSES = ['pending', 'ok', 'none', 'failed', 'skipped'] as const
export type RdnsStatus = (typeof RDNS_STATUSES)[number]

export interface EnrichmentInput {
  ip: string
  label: string | null
  country: string | null
  city: string | null
  asn: number | null
  org: string | null
  /** The databases it was looked up in (GeoLookup's source names, comma-separated). */
  geoSource: string
  enrichedAt: Date
  /** `pending` to have the reverse-DNS pass resolve it, else `skipped`. Kept for existing rows. */
  rdnsStatus: 'pending' | 'skipped'
}

export interface AttackerEnrichment extends Omit<EnrichmentInput, 'rdnsStatus'> {
  rdns: string | null
  rdnsStatus: RdnsStatus
  rdnsAt: Date | null
}

type EnrichmentRecord = {
  ip: string
  label: string | null
  country: string | null
  city: string | null
  asn: unknown
  org: string | null
  geoSource: string
  enrichedAt: unknown
  rdns: string | null
  rdnsStatus: string
  rdnsAt: unknown
}

/** Rows per multi-row statement (11 arguments each; far below both databases' limits). */
const CHUNK = 200
/** `forIps` answers for at most this many addresses (an attackers page is at most 1,000 rows). */
export const ENRICHMENT_LOOKUP_MAX = 1_000

const COLUMNS = `"ip", "label", "country", "city", "asn", "org", "geoSource", "enrichedAt", "rdns", "rdnsStatus", "rdnsAt"`

export function enrichmentRepository(conn: Connection) {
  return {
    /**
     * Attacker addresses with no enrichment yet, or (public ones) looked up in another set of
     * databases than `geoSource` (an operator installed a newer file): most recently seen first.
     */
    pending(geoSource: string, limit: number): Promise<string[]> {
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<{ ip: string }>(
          `SELECT a."ip" FROM "Attacker" a LEFT JOIN "AttackerEnrichment" e ON e."ip" = a."ip"
           WHERE e."ip" IS NULL OR (e."label" IS NULL AND e."geoSource" <> $1)
           ORDER BY a."lastSeen" DESC LIMIT $2`,
          [geoSource, limit],
        )
        return rows.map((row) => row.ip)
      })
    },

    /** Inserts or refreshes the geo part; an existing row keeps its reverse-DNS answer. */
    async save(rows: readonly EnrichmentInput[]): Promise<void> {
      for (let at = 0; at < rows.length; at += CHUNK) {
        const chunk = rows.slice(at, at + CHUNK)
        const args: SqlArg[] = chunk.flatMap((row) => [
          row.ip,
          row.label,
          row.country,
          row.city,
          row.asn,
          row.org,
          row.geoSource,
          row.enrichedAt,
          null,
          row.rdnsStatus,
          null,
        ])
        await conn.run(() =>
          conn.sql.execute(
            `INSERT INTO "AttackerEnrichment" (${COLUMNS}) VALUES ${valuesPlaceholders(chunk.length, 11)}
             ON CONFLICT ("ip") DO UPDATE SET "label" = excluded."label", "country" = excluded."country",
               "city" = excluded."city", "asn" = excluded."asn", "org" = excluded."org",
               "geoSource" = excluded."geoSource", "enrichedAt" = excluded."enrichedAt"`,
            args,
          ),
        )
      }
    },

    /**
     * Public addresses whose reverse DNS is wanted: never asked (`skipped` because the lookup was
     * off when they were enriched) becomes `pending`. Called when the worker starts with rDNS on.
     */
    async requestRdns(): Promise<number> {
      return conn.run(() =>
        conn.sql.execute(
          `UPDATE "AttackerEnrichment" SET "rdnsStatus" = 'pending' WHERE "rdnsStatus" = 'skipped' AND "label" IS NULL`,
        ),
      )
    },

    /** Addresses to resolve: pending ones, and failed ones last tried before `retryFailedBefore`. */
    rdnsPending(limit: number, retryFailedBefore: Date): Promise<string[]> {
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<{ ip: string }>(
          `SELECT "ip" FROM "AttackerEnrichment"
           WHERE "label" IS NULL AND ("rdnsStatus" = 'pending' OR ("rdnsStatus" = 'failed' AND "rdnsAt" < $1))
           ORDER BY "enrichedAt" LIMIT $2`,
          [retryFailedBefore, limit],
        )
        return rows.map((row) => row.ip)
      })
    },

    async saveRdns(ip: string, answer: { rdns: string | null; status: 'ok' | 'none' | 'failed'; at: Date }) {
      await conn.run(() =>
        conn.sql.execute(
          `UPDATE "AttackerEnrichment" SET "rdns" = $1, "rdnsStatus" = $2, "rdnsAt" = $3 WHERE "ip" = $4`,
          [answer.rdns, answer.status, answer.at, ip],
        ),
      )
    },

    /** The enrichment of each address that has one (at most ENRICHMENT_LOOKUP_MAX addresses). */
    forIps(ips: readonly string[]): Promise<Map<string, AttackerEnrichment>> {
      const wanted = [...new Set(ips)].slice(0, ENRICHMENT_LOOKUP_MAX)
      if (wanted.length === 0) return Promise.resolve(new Map())
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<EnrichmentRecord>(
          `SELECT ${COLUMNS} FROM "AttackerEnrichment" WHERE "ip" IN (${wanted.map((_, i) => `$${i + 1}`).join(', ')})`,
          wanted,
        )
        return new Map(rows.map((row) => [row.ip, fromRecord(row)]))
      })
    },
  }
}

function fromRecord(row: EnrichmentRecord): AttackerEnrichment {
  return {
    ...pickColumns(row, ['ip', 'label', 'country', 'city', 'org', 'geoSource', 'rdns']),
    asn: toOptionalNumber(row.asn),
    enrichedAt: toDate(row.enrichedAt),
    rdnsStatus: (RDNS_STATUSES as readonly string[]).includes(row.rdnsStatus)
      ? (row.rdnsStatus as RdnsStatus)
      : 'skipped',
    rdnsAt: toOptionalDate(row.rdnsAt),
  }
}
