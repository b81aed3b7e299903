// The overview dashboard's aggregates: one read per figure over a time window of attack traffic
// (system rows left out), each a range scan of Log's timestamp index grouped in the database, so the
// API never walks rows itself. Attacker-level figures join the one-row-per-address tables
// (Attacker, AttackerEnrichment) only after grouping.
import { SEVERITIES, type Severity } from '@decnet/core'
import type { Connection } from '../client.ts'
import { knownValue } from '../columns.ts'
import { type Dialect, type SqlArg, type SqlExecutor, toDate, toNumber } from '../sql.ts'

/** At most this many time buckets: a wider window gets wider buckets. */
export const DASHBOARD_MAX_BUCKETS = 500
/** Longest "top" list the dashboard asks for. */
export const DASHBOARD_MAX_TOP = 50
/** "Under attack now": deckies with attack events within this many minutes. */
export const UNDER_ATTACK_MINUTES = 5
/** Open incidents listed (the count is exact). */
export const DASHBOARD_INCIDENTS = 10
/** Deckies under attack listed (the fleet is small; a cap keeps a flood bounded). */
export const DASHBOARD_ACTIVE_DECKIES = 100

/** A window holding more than 1/WINDOW_SCAN_SHARE of the Log table is read by a plain scan (SQLite). */
const WINDOW_SCAN_SHARE = 4

/** Bucket sizes a widened histogram snaps to, in minutes. */
const BUCKET_STEPS = [1, 2, 5, 10, 15, 30, 60, 180, 360, 720, 1440, 10080, 43200]

export interface DashboardWindow {
  /** Inclusive start; none: since the first event. */
  from?: Date
  /** Exclusive end; none: now. */
  to?: Date
  /** Wanted bucket size; widened when the window would need more than DASHBOARD_MAX_BUCKETS. */
  bucketMinutes: number
  /** Length of each top list. */
  top: number
  now?: Date
}

/** Where a group of sources is: a country (ISO 3166-1 alpha-2), special-purpose ranges, or not known yet. */
export type SourceRegion = { kind: 'country'; country: string } | { kind: 'private' } | { kind: 'unknown' }

export interface DashboardOverview {
  /** The bucket size used (the asked one, or wider). */
  bucketMinutes: number
  events: number
  /** Distinct source addresses with attack events in the window. */
  attackers: number
  /** Attack events per bucket start and service, oldest first. */
  timeline: { t: Date; service: string; count: number }[]
  services: { service: string; events: number }[]
  deckies: { decky: string; events: number; attackers: number }[]
  topAttackers: {
    ip: string
    attackerId: string | null
    events: number
    country: string | null
    label: string | null
  }[]
  /** Attackers first seen in the window: how many, and the newest. */
  newAttackers: {
    total: number
    rows: { ip: string; attackerId: string; firstSeen: Date; events: number; country: string | null }[]
  }
  /** Credentials tried in the window (their attempt counts are their totals), most tried first. */
  credentials: { kind: string; principal: string; secret: string; attempts: number; attackers: number }[]
  /** Sources per region: public ones by country, special-purpose ranges as one "private" group. */
  regions: { region: SourceRegion; attackers: number; events: number }[]
}

export interface DashboardNow {
  /** Deckies with attack events in the last UNDER_ATTACK_MINUTES, busiest first. */
  underAttack: { decky: string; events: number; attackers: number; lastSeen: Date }[]
  openIncidents: {
    total: number
    rows: {
      id: string
      attackerIp: string
      decky: string
      severity: Severity
      eventCount: number
      lastSeen: Date
    }[]
  }
}

/** The smallest step ≥ the wanted size that keeps the window within DASHBOARD_MAX_BUCKETS buckets. */
export function bucketMinutesFor(wanted: number, spanMs: number): number {
  const floor = Math.max(1, Math.floor(wanted))
  const needed = Math.ceil(spanMs / 60_000 / DASHBOARD_MAX_BUCKETS)
  const size = Math.max(floor, needed)
  return BUCKET_STEPS.find((step) => step >= size) ?? Math.ceil(size / 43200) * 43200
}

function epochSeconds(dialect: Dialect): string {
  return dialect === 'sqlite'
    ? `CAST(strftime('%s', l."timestamp") AS INTEGER)`
    : `CAST(floor(extract(epoch from l."timestamp")) AS BIGINT)`
}

/**
 * The Log rows of a window (attack traffic only) as `FROM … WHERE …` with their arguments from `$1`.
 * SQLite has no statistics telling it how much of the table a window holds, and would answer a
 * `GROUP BY decky` or `attackerIp` by walking that column's whole index: so a window holding a
 * small part of the table is read through the timestamp index, a larger one by one plain scan
 * (cheaper than a row lookup per index entry). Both counts are index-only.
 */
async function windowRows(
  sql: SqlExecutor,
  dialect: Dialect,
  window: { from?: Date; to?: Date },
): Promise<{ from: string; where: string; args: SqlArg[] }> {
  const conditions = ['l."system" = FALSE']
  const args: SqlArg[] = []
  if (window.from) {
    args.push(window.from)
    conditions.push(`l."timestamp" >= $${args.length}`)
  }
  if (window.to) {
    args.push(window.to)
    conditions.push(`l."timestamp" < $${args.length}`)
  }
  const where = conditions.join(' AND ')
  if (dialect !== 'sqlite' || args.length === 0) return { from: '"Log" l', where, args }
  const [sizes] = await sql.query<{ inWindow: unknown; total: unknown }>(
    `SELECT (SELECT count(*) FROM "Log" l INDEXED BY "Log_timestamp_idx" WHERE ${conditions.slice(1).join(' AND ')})
       AS "inWindow", (SELECT count(*) FROM "Log") AS total`,
    args,
  )
  const small = toNumber(sizes?.inWindow ?? 0) * WINDOW_SCAN_SHARE <= toNumber(sizes?.total ?? 0)
  return { from: `"Log" l ${small ? 'INDEXED BY "Log_timestamp_idx"' : 'NOT INDEXED'}`, where, args }
}

function regionOf(label: string | null, country: string | null, enriched: boolean): SourceRegion {
  if (label !== null) return { kind: 'private' }
  if (enriched && country) return { kind: 'country', country }
  return { kind: 'unknown' }
}

async function firstEvent(sql: SqlExecutor): Promise<Date | undefined> {
  const [row] = await sql.query<{ first: unknown }>(`SELECT min("timestamp") AS first FROM "Log"`)
  return row?.first === null || row?.first === undefined ? undefined : toDate(row.first)
}

export function dashboardRepository(conn: Connection) {
  const { dialect } = conn
  return {
    /** Every range-bound figure of the dashboard for one window. */
    overview(input: DashboardWindow): Promise<DashboardOverview> {
      const now = input.now ?? new Date()
      const top = Math.min(Math.max(Math.floor(input.top), 1), DASHBOARD_MAX_TOP)
      const range = { from: input.from, to: input.to }
      return conn.read(async ({ sql }) => {
        const start = input.from ?? (await firstEvent(sql)) ?? now
        const end = input.to ?? now
        const bucketMinutes = bucketMinutesFor(input.bucketMinutes, end.getTime() - start.getTime())
        const filter = await windowRows(sql, dialect, range)
        const next = filter.args.length
        const timeline = await sql.query<{ bucket: unknown; service: string; n: unknown }>(
          `SELECT (${epochSeconds(dialect)} / CAST($${next + 1} AS INTEGER)) * CAST($${next + 1} AS INTEGER) AS bucket,
             l."service" AS service, count(*) AS n
           FROM ${filter.from} WHERE ${filter.where} GROUP BY 1, 2 ORDER BY 1, 2`,
          [...filter.args, bucketMinutes * 60],
        )
        const deckies = await sql.query<{ decky: string; n: unknown; attackers: unknown }>(
          `SELECT l."decky" AS decky, count(*) AS n, count(DISTINCT l."attackerIp") AS attackers
           FROM ${filter.from} WHERE ${filter.where} GROUP BY l."decky" ORDER BY n DESC, l."decky" LIMIT $${next + 1}`,
          [...filter.args, top],
        )
        // Per-address counts are grouped once (one read of the window) and stay in the database: only
        // the top rows and the per-region sums leave it.
        // Over all time, each attacker row's eventCount is its count of attack events (ingest keeps it).
        const perSource =
          filter.args.length === 0
            ? `SELECT a."ip" AS ip, a."eventCount" AS n FROM "Attacker" a WHERE a."eventCount" > 0`
            : `SELECT l."attackerIp" AS ip, count(*) AS n FROM ${filter.from} WHERE ${filter.where}
               GROUP BY l."attackerIp"`
        const sources = await sql.query<{
          part: string
          label: string | null
          country: string | null
          enriched: unknown
          attackers: unknown
          n: unknown
          ip: string | null
          attackerId: string | null
        }>(
          `WITH s AS MATERIALIZED (${perSource}),
           t AS (SELECT s.ip, s.n FROM s ORDER BY s.n DESC, s.ip LIMIT $${next + 1})
           SELECT 'region' AS part, CASE WHEN e."label" IS NULL THEN NULL ELSE 'private' END AS label,
             e."country" AS country, CASE WHEN e."ip" IS NULL THEN 0 ELSE 1 END AS enriched,
             count(*) AS attackers, CAST(sum(s.n) AS BIGINT) AS n, NULL AS ip, NULL AS "attackerId"
           FROM s LEFT JOIN "AttackerEnrichment" e ON e."ip" = s.ip
           GROUP BY 2, 3, 4
           UNION ALL
           SELECT 'top', e."label", e."country", 1, 1, CAST(t.n AS BIGINT), t.ip, a."id"
           FROM t LEFT JOIN "Attacker" a ON a."ip" = t.ip LEFT JOIN "AttackerEnrichment" e ON e."ip" = t.ip`,
          [...filter.args, top],
        )
        const regions = sources.filter((row) => row.part === 'region')
        const topAttackers = sources
          .filter((row): row is typeof row & { ip: string } => row.part === 'top' && row.ip !== null)
          .map((row) => ({ ...row, n: toNumber(row.n) }))
          .sort((a, b) => b.n - a.n || (a.ip < b.ip ? -1 : 1))
        // First seen within the window implies last seen within it: the lastSeen index narrows.
        const fresh: SqlArg[] = [input.from ?? new Date(0), end]
        const [newCount] = await sql.query<{ n: unknown }>(
          `SELECT count(*) AS n FROM "Attacker" WHERE "lastSeen" >= $1 AND "firstSeen" >= $1 AND "firstSeen" < $2`,
          fresh,
        )
        const newRows = await sql.query<{
          ip: string
          id: string
          firstSeen: unknown
          eventCount: unknown
          country: string | null
        }>(
          `SELECT a."ip", a."id", a."firstSeen", a."eventCount", e."country" AS country
           FROM "Attacker" a LEFT JOIN "AttackerEnrichment" e ON e."ip" = a."ip"
           WHERE a."lastSeen" >= $1 AND a."firstSeen" >= $1 AND a."firstSeen" < $2
           ORDER BY a."firstSeen" DESC, a."ip" LIMIT $3`,
          [...fresh, top],
        )
        const credentials = await sql.query<{
          kind: string
          principal: string
          secret: string
          attempts: unknown
          attackers: unknown
        }>(
          `SELECT c."kind" AS kind, c."principal" AS principal, c."secret" AS secret,
             CAST(sum(c."count") AS BIGINT) AS attempts, count(DISTINCT c."attackerIp") AS attackers
           FROM "Credential" c WHERE c."lastSeen" >= $1 AND c."firstSeen" < $2
           GROUP BY c."kind", c."principal", c."secretHash", c."secret"
           ORDER BY attempts DESC, c."principal", c."secret" LIMIT $3`,
          [...fresh, top],
        )

        const perService = new Map<string, number>()
        let events = 0
        for (const row of timeline) {
          const n = toNumber(row.n)
          events += n
          perService.set(row.service, (perService.get(row.service) ?? 0) + n)
        }
        const regionRows = new Map<
          string,
          { key: string; region: SourceRegion; attackers: number; events: number }
        >()
        let attackers = 0
        for (const row of regions) {
          const region = regionOf(row.label, row.country, toNumber(row.enriched) === 1)
          const key = region.kind === 'country' ? `country:${region.country}` : region.kind
          const entry = regionRows.get(key) ?? { key, region, attackers: 0, events: 0 }
          entry.attackers += toNumber(row.attackers)
          entry.events += toNumber(row.n)
          attackers += toNumber(row.attackers)
          regionRows.set(key, entry)
        }
        return {
          bucketMinutes,
          events,
          attackers,
          timeline: timeline.map((row) => ({
            t: new Date(toNumber(row.bucket) * 1000),
            service: row.service,
            count: toNumber(row.n),
          })),
          services: [...perService]
            .map(([service, n]) => ({ service, events: n }))
            .sort((a, b) => b.events - a.events || (a.service < b.service ? -1 : 1))
            .slice(0, top),
          deckies: deckies.map((row) => ({
            decky: row.decky,
            events: toNumber(row.n),
            attackers: toNumber(row.attackers),
          })),
          topAttackers: topAttackers.map((row) => ({
            ip: row.ip,
            attackerId: row.attackerId,
            events: toNumber(row.n),
            country: row.label === null ? row.country : null,
            label: row.label,
          })),
          newAttackers: {
            total: toNumber(newCount?.n ?? 0),
            rows: newRows.map((row) => ({
              ip: row.ip,
              attackerId: row.id,
              firstSeen: toDate(row.firstSeen),
              events: toNumber(row.eventCount),
              country: row.country,
            })),
          },
          credentials: credentials.map((row) => ({
            kind: row.kind,
            principal: row.principal,
            secret: row.secret,
            attempts: toNumber(row.attempts),
            attackers: toNumber(row.attackers),
          })),
          regions: [...regionRows.values()]
            .sort((a, b) => b.attackers - a.attackers || b.events - a.events || (a.key < b.key ? -1 : 1))
            .map(({ region, attackers, events }) => ({ region, attackers, events })),
        }
      })
    },

    /** What is happening now, whatever the window: deckies under attack and open incidents. */
    now(now = new Date()): Promise<DashboardNow> {
      const since = new Date(now.getTime() - UNDER_ATTACK_MINUTES * 60_000)
      return conn.read(async ({ sql }) => {
        const active = await sql.query<{ decky: string; n: unknown; attackers: unknown; last: unknown }>(
          `SELECT l."decky" AS decky, count(*) AS n, count(DISTINCT l."attackerIp") AS attackers,
             max(l."timestamp") AS last
           FROM "Log" l${dialect === 'sqlite' ? ' INDEXED BY "Log_timestamp_idx"' : ''}
           WHERE l."timestamp" >= $1 AND l."timestamp" <= $2 AND l."system" = FALSE
           GROUP BY l."decky" ORDER BY n DESC, l."decky" LIMIT $3`,
          [since, now, DASHBOARD_ACTIVE_DECKIES],
        )
        const [open] = await sql.query<{ n: unknown }>(
          `SELECT count(*) AS n FROM "Incident" WHERE "state" = 'open'`,
        )
        const incidents = await sql.query<{
          id: string
          attackerIp: string
          decky: string
          severity: string
          eventCount: unknown
          lastSeen: unknown
        }>(
          `SELECT "id", "attackerIp", "decky", "severity", "eventCount", "lastSeen" FROM "Incident"
           WHERE "state" = 'open' ORDER BY "lastSeen" DESC, "id" LIMIT $1`,
          [DASHBOARD_INCIDENTS],
        )
        return {
          underAttack: active.map((row) => ({
            decky: row.decky,
            events: toNumber(row.n),
            attackers: toNumber(row.attackers),
            lastSeen: toDate(row.last),
          })),
          openIncidents: {
            total: toNumber(open?.n ?? 0),
            rows: incidents.map((row) => ({
              id: row.id,
              attackerIp: row.attackerIp,
              decky: row.decky,
              severity: knownValue(SEVERITIES, row.severity, 'Incident.severity'),
              eventCount: toNumber(row.eventCount),
              lastSeen: toDate(row.lastSeen),
            })),
          },
        }
      })
    },
  }
}
