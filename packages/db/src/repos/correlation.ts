// Correlation storage (issue 16): what the correlation worker reads (traits several addresses share)
// and the derived rows it writes back whole — credential summaries with reuse, identities and
// campaigns. Reads for the API are plain indexed pages; nothing here is computed per request.
import { parseStringArray } from '@decnet/core'
import type { Connection } from '../client.ts'
import { pickColumns, readColumns } from '../columns.ts'
import type { AttackerIdentityModel, CampaignModel } from '../generated/client/sqlite/models.ts'
import { type RawRow, type SqlArg, type SqlExecutor, toDate, toNumber, valuesPlaceholders } from '../sql.ts'

/** Reused credentials kept (most source IPs first): enough for any analyst page, bounded per pass. */
export const MAX_REUSED_CREDENTIALS = 5_000
/** Most-tried credentials kept beside the reused ones. */
export const MAX_TOP_CREDENTIALS = 1_000
/** Deckies, source IPs and services listed per credential summary (the counts stay exact). */
export const MAX_SUMMARY_LIST = 20
/** A trait (fingerprint, credential, indicator) shared by more addresses than this links none of them. */
export const DEFAULT_MAX_SHARED_BY = 50
/** Rows of each trait kind one correlation pass reads. */
export const DEFAULT_MAX_TRAIT_ROWS = 200_000
/** Members listed with one identity. */
export const MAX_IDENTITY_MEMBERS = 200
const CHUNK = 200
/** Credential rows read per page when listing a summary's deckies, addresses and services. */
const SCAN_PAGE = 20_000
/** Distinct deckies/addresses/services tracked per summarised credential while scanning. */
const MAX_ITEMS_TRACKED = 1_000

export type CredentialSummaryRow = {
  kind: string
  principal: string
  secret: string
  attempts: number
  deckyCount: number
  ipCount: number
  serviceCount: number
  reused: boolean
  deckies: string[]
  attackerIps: string[]
  services: string[]
  firstSeen: Date
  lastSeen: Date
}

export type CredentialSummaryView = 'reused' | 'top'

/** When an address was active (its attacker profile). */
export type AddressActivity = { ip: string; firstSeen: Date; lastSeen: Date }

/**
 * What addresses share, for the correlation worker: only values seen from 2..maxSharedBy addresses
 * (a value everyone has says nothing about a pair), plus every address's techniques and activity.
 */
export type CorrelationInputs = {
  fingerprints: { ip: string; kind: string; value: string }[]
  credentials: { ip: string; kind: string; principal: string; secretHash: string }[]
  iocs: { ip: string; kind: string; value: string }[]
  techniques: { ip: string; technique: string }[]
  activity: AddressActivity[]
  /** Some kind hit maxTraitRows: the pass saw part of the picture. */
  truncated: boolean
}

/** An identity as read: the AttackerIdentity row with its evidence list parsed. */
export type IdentityRow = Omit<AttackerIdentityModel, 'evidence'> & { evidence: string[] }

/** A campaign as read: the Campaign row with its JSON lists parsed. */
export type CampaignRow = Omit<CampaignModel, 'evidence' | 'iocs' | 'techniques'> & {
  evidence: string[]
  iocs: { kind: string; value: string }[]
  techniques: string[]
}

/** What a correlation pass writes for an identity: the counts and time of computation are the store's. */
export type IdentityWrite = Omit<IdentityRow, 'ipCount' | 'computedAt'> & {
  members: { ip: string; evidence: string[] }[]
}

export type CampaignWrite = Omit<CampaignRow, 'identityCount' | 'computedAt'> & { identityIds: string[] }

export type IdentityMemberRow = { ip: string; attackerId: string | null; evidence: string[] }

export type IdentityDetail = {
  identity: IdentityRow
  members: IdentityMemberRow[]
  campaign: CampaignRow | null
}

type Page<T> = { total: number; rows: T[]; nextCursor?: string }

function offsetOf(cursor: string | undefined): number {
  return cursor && /^\d{1,9}$/.test(cursor) ? Number(cursor) : 0
}

function page<T>(rows: T[], total: number, offset: number): Page<T> {
  const result: Page<T> = { total, rows }
  if (offset + rows.length < total) result.nextCursor = String(offset + rows.length)
  return result
}

function parseIocList(text: string): { kind: string; value: string }[] {
  try {
    const value: unknown = JSON.parse(text)
    if (!Array.isArray(value)) return []
    return value.flatMap((item: unknown) =>
      typeof item === 'object' &&
      item !== null &&
      typeof (item as { kind?: unknown }).kind === 'string' &&
      typeof (item as { value?: unknown }).value === 'string'
        ? [{ kind: (item as { kind: string }).kind, value: (item as { value: string }).value }]
        : [],
    )
  } catch {
    return []
  }
}

type SummaryRecord = {
  kind: string
  principal: string
  secret: string
  attempts: unknown
  deckyCount: unknown
  ipCount: unknown
  serviceCount: unknown
  reused: unknown
  deckies: string
  attackerIps: string
  services: string
  firstSeen: unknown
  lastSeen: unknown
}

function toSummary(row: SummaryRecord): CredentialSummaryRow {
  return {
    ...pickColumns(row, ['kind', 'principal', 'secret']),
    ...readColumns(row, ['attempts', 'deckyCount', 'ipCount', 'serviceCount'], toNumber),
    reused: row.reused === true || Number(row.reused) === 1,
    ...readColumns(row, ['deckies', 'attackerIps', 'services'], parseStringArray),
    ...readColumns(row, ['firstSeen', 'lastSeen'], toDate),
  }
}

type IdentityRecord = RawRow<AttackerIdentityModel>

function toIdentity(row: IdentityRecord): IdentityRow {
  return {
    ...pickColumns(row, ['id', 'campaignId']),
    ipCount: toNumber(row.ipCount),
    evidence: parseStringArray(row.evidence),
    ...readColumns(row, ['firstSeen', 'lastSeen', 'computedAt'], toDate),
  }
}

type CampaignRecord = RawRow<CampaignModel>

function toCampaign(row: CampaignRecord): CampaignRow {
  return {
    id: row.id,
    ...readColumns(row, ['identityCount', 'ipCount'], toNumber),
    ...readColumns(row, ['evidence', 'techniques'], parseStringArray),
    iocs: parseIocList(row.iocs),
    ...readColumns(row, ['firstSeen', 'lastSeen', 'computedAt'], toDate),
  }
}

const CREDENTIAL_KEY = `"kind", "principal", "secretHash"`

/**
 * The credentials worth a summary, aggregated fleet-wide: the reused ones (tried on several deckies
 * or from several addresses; most addresses first) and the most tried ones, each list capped.
 */
async function readCredentialSummaries(
  sql: SqlExecutor,
): Promise<(CredentialSummaryRow & { secretHash: string })[]> {
  const grouped = `SELECT ${CREDENTIAL_KEY}, sum("count") AS "attempts", count(DISTINCT "decky") AS "deckyCount",
      count(DISTINCT "attackerIp") AS "ipCount", count(DISTINCT "service") AS "serviceCount",
      min("firstSeen") AS "firstSeen", max("lastSeen") AS "lastSeen"
    FROM "Credential" GROUP BY ${CREDENTIAL_KEY}`
  type Aggregate = {
    kind: string
    principal: string
    secretHash: string
    attempts: unknown
    deckyCount: unknown
    ipCount: unknown
    serviceCount: unknown
    firstSeen: unknown
    lastSeen: unknown
  }
  // Deterministic orders (ties broken by the whole key), so the lists' queries choose the same rows.
  const reusedSql = `SELECT * FROM (${grouped}) g WHERE g."deckyCount" > 1 OR g."ipCount" > 1
    ORDER BY g."ipCount" DESC, g."deckyCount" DESC, g."attempts" DESC, g."principal", g."kind", g."secretHash" LIMIT $1`
  const topSql = `SELECT * FROM (${grouped}) g
    ORDER BY g."attempts" DESC, g."principal", g."kind", g."secretHash" LIMIT $2`
  const [reused, top] = await Promise.all([
    sql.query<Aggregate>(reusedSql, [MAX_REUSED_CREDENTIALS]),
    sql.query<Aggregate>(topSql.replace('$2', '$1'), [MAX_TOP_CREDENTIALS]),
  ])
  const byKey = new Map<string, CredentialSummaryRow & { secretHash: string }>()
  for (const row of [...reused, ...top]) {
    const key = [row.kind, row.principal, row.secretHash].join('\u0000')
    if (byKey.has(key)) continue
    const deckyCount = toNumber(row.deckyCount)
    const ipCount = toNumber(row.ipCount)
    // SQLite hands min()/max() of a DATETIME column back as its stored text or epoch number.
    const time = (value: unknown) => (typeof value === 'number' ? new Date(value) : toDate(value))
    byKey.set(key, {
      kind: row.kind,
      principal: row.principal,
      secretHash: row.secretHash,
      secret: '',
      attempts: toNumber(row.attempts),
      deckyCount,
      ipCount,
      serviceCount: toNumber(row.serviceCount),
      reused: deckyCount > 1 || ipCount > 1,
      deckies: [],
      attackerIps: [],
      services: [],
      firstSeen: time(row.firstSeen),
      lastSeen: time(row.lastSeen),
    })
  }
  // The capped lists (most recent first) and the secret itself, from one keyset-paged scan of the
  // table: cheaper than ranking per list in SQL. Per credential and list at most MAX_ITEMS_TRACKED
  // distinct values are tracked (the counts above stay exact).
  const recent = new Map<string, Record<'deckies' | 'attackerIps' | 'services', Map<string, number>>>()
  for (const key of byKey.keys())
    recent.set(key, { deckies: new Map(), attackerIps: new Map(), services: new Map() })
  const track = (items: Map<string, number>, item: string, at: number) => {
    const seen = items.get(item)
    if (seen === undefined ? items.size < MAX_ITEMS_TRACKED : at > seen) items.set(item, at)
  }
  let afterId = 0
  for (;;) {
    const rows = await sql.query<{
      id: unknown
      kind: string
      principal: string
      secretHash: string
      decky: string
      attackerIp: string
      service: string
      secret: string
      lastSeen: unknown
    }>(
      `SELECT "id", ${CREDENTIAL_KEY}, "decky", "attackerIp", "service", "secret", "lastSeen" FROM "Credential"
       WHERE "id" > $1 ORDER BY "id" LIMIT $2`,
      [afterId, SCAN_PAGE],
    )
    for (const row of rows) {
      const key = [row.kind, row.principal, row.secretHash].join('\u0000')
      const lists = recent.get(key)
      if (!lists) continue
      const summary = byKey.get(key)
      if (summary && !summary.secret) summary.secret = row.secret
      const at = toDate(row.lastSeen).getTime()
      track(lists.deckies, row.decky, at)
      track(lists.attackerIps, row.attackerIp, at)
      track(lists.services, row.service, at)
    }
    if (rows.length < SCAN_PAGE) break
    afterId = toNumber(rows[rows.length - 1]?.id)
  }
  const newestFirst = (items: Map<string, number>) =>
    [...items]
      .sort(([a, at], [b, bt]) => bt - at || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, MAX_SUMMARY_LIST)
      .map(([item]) => item)
  for (const [key, lists] of recent) {
    const summary = byKey.get(key)
    if (!summary) continue
    summary.deckies = newestFirst(lists.deckies)
    summary.attackerIps = newestFirst(lists.attackerIps)
    summary.services = newestFirst(lists.services)
  }
  const chosen = [...byKey.values()]
  return chosen
}

export function correlationRepository(conn: Connection) {
  /** The traits of one table shared by 2..maxSharedBy addresses (rows are unique per address). */
  const sharedTraits = <T>(
    sql: SqlExecutor,
    table: string,
    columns: string[],
    distinctIps: boolean,
    maxSharedBy: number,
    maxRows: number,
  ) => {
    const key = columns.map((c) => `"${c}"`).join(', ')
    const on = columns.map((c) => `s."${c}" = t."${c}"`).join(' AND ')
    return sql.query<T>(
      `SELECT DISTINCT t."attackerIp" AS "ip", ${columns.map((c) => `t."${c}"`).join(', ')} FROM "${table}" t
       JOIN (SELECT ${key} FROM "${table}" GROUP BY ${key}
             HAVING count(${distinctIps ? 'DISTINCT "attackerIp"' : '*'}) BETWEEN 2 AND $1) s ON ${on}
       ORDER BY 1 LIMIT $2`,
      [maxSharedBy, maxRows],
    )
  }

  return {
    /**
     * Changes whenever anything correlation reads may have changed: new events (the ingest writes
     * the intelligence rows in the same transaction) or new rows in the tables themselves.
     */
    async watermark(): Promise<string> {
      return conn.read(async ({ sql }) => {
        const tables = ['Log', 'Credential', 'AttackerFingerprint', 'AttackerIoc', 'AttackerTechnique']
        const rows = await sql.query<Record<string, unknown>>(
          `SELECT ${tables.map((t, i) => `(SELECT max("id") FROM "${t}") AS "m${i}"`).join(', ')}`,
        )
        const row = rows[0] ?? {}
        return tables.map((_, i) => String(row[`m${i}`] ?? 0)).join(':')
      })
    },

    /** What addresses share, capped per kind (see CorrelationInputs). */
    inputs(options: { maxSharedBy?: number; maxTraitRows?: number } = {}): Promise<CorrelationInputs> {
      const maxSharedBy = options.maxSharedBy ?? DEFAULT_MAX_SHARED_BY
      const maxRows = options.maxTraitRows ?? DEFAULT_MAX_TRAIT_ROWS
      return conn.read(async ({ sql }) => {
        const [fingerprints, credentials, iocs] = await Promise.all([
          sharedTraits<{ ip: string; kind: string; value: string }>(
            sql,
            'AttackerFingerprint',
            ['kind', 'value'],
            false,
            maxSharedBy,
            maxRows,
          ),
          sharedTraits<{ ip: string; kind: string; principal: string; secretHash: string }>(
            sql,
            'Credential',
            ['kind', 'principal', 'secretHash'],
            true,
            maxSharedBy,
            maxRows,
          ),
          sharedTraits<{ ip: string; kind: string; value: string }>(
            sql,
            'AttackerIoc',
            ['kind', 'value'],
            false,
            maxSharedBy,
            maxRows,
          ),
        ])
        const ips = [...new Set([...fingerprints, ...credentials, ...iocs].map((row) => row.ip))].sort()
        const techniques: { ip: string; technique: string }[] = []
        const activity: AddressActivity[] = []
        for (let start = 0; start < ips.length; start += CHUNK) {
          const chunk = ips.slice(start, start + CHUNK)
          const inList = chunk.map((_, i) => `$${i + 1}`).join(', ')
          const [used, seen] = await Promise.all([
            sql.query<{ ip: string; technique: string }>(
              `SELECT DISTINCT "attackerIp" AS "ip", "technique" FROM "AttackerTechnique"
               WHERE "attackerIp" IN (${inList})`,
              chunk,
            ),
            sql.query<{ ip: string; firstSeen: unknown; lastSeen: unknown }>(
              `SELECT "ip", "firstSeen", "lastSeen" FROM "Attacker" WHERE "ip" IN (${inList})`,
              chunk,
            ),
          ])
          techniques.push(...used)
          for (const row of seen) {
            activity.push({ ip: row.ip, firstSeen: toDate(row.firstSeen), lastSeen: toDate(row.lastSeen) })
          }
        }
        return {
          fingerprints,
          credentials,
          iocs,
          techniques,
          activity,
          truncated: [fingerprints, credentials, iocs].some((rows) => rows.length >= maxRows),
        }
      })
    },

    /**
     * Replaces every derived row: credential summaries (aggregated here from the Credential table),
     * identities with their members, and campaigns. Reads happen before the write transaction, so the
     * write lock is held only for the bounded inserts.
     */
    async replace(
      snapshot: { identities: IdentityWrite[]; campaigns: CampaignWrite[] },
      now = new Date(),
    ): Promise<{ credentialSummaries: number }> {
      const summaries = await conn.read(({ sql }) => readCredentialSummaries(sql))
      await conn.run(() =>
        conn.transaction(async (tx) => {
          await tx.execute(`DELETE FROM "CredentialSummary"`)
          await tx.execute(`DELETE FROM "AttackerIdentityMember"`)
          await tx.execute(`DELETE FROM "AttackerIdentity"`)
          await tx.execute(`DELETE FROM "Campaign"`)
          for (let start = 0; start < summaries.length; start += CHUNK) {
            const chunk = summaries.slice(start, start + CHUNK)
            await tx.execute(
              `INSERT INTO "CredentialSummary" ("kind", "principal", "secret", "secretHash", "attempts", "deckyCount",
                 "ipCount", "serviceCount", "reused", "deckies", "attackerIps", "services", "firstSeen", "lastSeen")
               VALUES ${valuesPlaceholders(chunk.length, 14)}`,
              chunk.flatMap((s) => [
                s.kind,
                s.principal,
                s.secret,
                s.secretHash,
                s.attempts,
                s.deckyCount,
                s.ipCount,
                s.serviceCount,
                s.reused,
                JSON.stringify(s.deckies),
                JSON.stringify(s.attackerIps),
                JSON.stringify(s.services),
                s.firstSeen,
                s.lastSeen,
              ]),
            )
          }
          for (let start = 0; start < snapshot.identities.length; start += CHUNK) {
            const chunk = snapshot.identities.slice(start, start + CHUNK)
            await tx.execute(
              `INSERT INTO "AttackerIdentity" ("id", "ipCount", "campaignId", "evidence", "firstSeen", "lastSeen",
                 "computedAt") VALUES ${valuesPlaceholders(chunk.length, 7)}`,
              chunk.flatMap((i) => [
                i.id,
                i.members.length,
                i.campaignId,
                JSON.stringify(i.evidence),
                i.firstSeen,
                i.lastSeen,
                now,
              ]),
            )
          }
          const members = snapshot.identities.flatMap((i) =>
            i.members.map((m) => [m.ip, i.id, JSON.stringify(m.evidence)] as SqlArg[]),
          )
          for (let start = 0; start < members.length; start += CHUNK) {
            const chunk = members.slice(start, start + CHUNK)
            await tx.execute(
              `INSERT INTO "AttackerIdentityMember" ("attackerIp", "identityId", "evidence")
               VALUES ${valuesPlaceholders(chunk.length, 3)}`,
              chunk.flat(),
            )
          }
          for (let start = 0; start < snapshot.campaigns.length; start += CHUNK) {
            const chunk = snapshot.campaigns.slice(start, start + CHUNK)
            await tx.execute(
              `INSERT INTO "Campaign" ("id", "identityCount", "ipCount", "evidence", "iocs", "techniques", "firstSeen",
                 "lastSeen", "computedAt") VALUES ${valuesPlaceholders(chunk.length, 9)}`,
              chunk.flatMap((c) => [
                c.id,
                c.identityIds.length,
                c.ipCount,
                JSON.stringify(c.evidence),
                JSON.stringify(c.iocs),
                JSON.stringify(c.techniques),
                c.firstSeen,
                c.lastSeen,
                now,
              ]),
            )
          }
        }),
      )
      return { credentialSummaries: summaries.length }
    },

    /** Reused credentials (most source IPs first) or the most tried ones, one page. */
    credentials(input: {
      view: CredentialSummaryView
      limit?: number
      cursor?: string
    }): Promise<Page<CredentialSummaryRow>> {
      const limit = Math.min(Math.max(input.limit ?? 50, 1), 500)
      const offset = offsetOf(input.cursor)
      const where = input.view === 'reused' ? `WHERE "reused" = TRUE` : ''
      const order =
        input.view === 'reused'
          ? `"ipCount" DESC, "deckyCount" DESC, "attempts" DESC, "id"`
          : `"attempts" DESC, "id"`
      return conn.read(async ({ sql }) => {
        const [counted, rows] = await Promise.all([
          sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM "CredentialSummary" ${where}`),
          sql.query<SummaryRecord>(
            `SELECT * FROM "CredentialSummary" ${where} ORDER BY ${order} LIMIT $1 OFFSET $2`,
            [limit, offset],
          ),
        ])
        return page(rows.map(toSummary), toNumber(counted[0]?.n ?? 0), offset)
      })
    },

    /** Identities of more than one address, largest first. */
    identities(
      input: { limit?: number; cursor?: string } = {},
    ): Promise<Page<IdentityRow & { ips: string[] }>> {
      const limit = Math.min(Math.max(input.limit ?? 50, 1), 200)
      const offset = offsetOf(input.cursor)
      return conn.read(async ({ sql }) => {
        const [counted, rows] = await Promise.all([
          sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM "AttackerIdentity" WHERE "ipCount" > 1`),
          sql.query<IdentityRecord>(
            `SELECT * FROM "AttackerIdentity" WHERE "ipCount" > 1 ORDER BY "ipCount" DESC, "lastSeen" DESC, "id"
             LIMIT $1 OFFSET $2`,
            [limit, offset],
          ),
        ])
        const ips = await membersOf(
          sql,
          rows.map((row) => row.id),
          10,
        )
        return page(
          rows.map((row) => ({ ...toIdentity(row), ips: ips.get(row.id)?.map((m) => m.ip) ?? [] })),
          toNumber(counted[0]?.n ?? 0),
          offset,
        )
      })
    },

    /** The identity an address belongs to, its members (capped) and its campaign; null when none. */
    identityOf(ip: string): Promise<IdentityDetail | null> {
      return conn.read(({ sql }) => identityOfIp(sql, ip))
    },

    /** identityOf() by attacker id; undefined when no attacker has that id. */
    identityOfAttacker(attackerId: string): Promise<IdentityDetail | null | undefined> {
      return conn.read(async ({ sql }) => {
        const [attacker] = await sql.query<{ ip: string }>(`SELECT "ip" FROM "Attacker" WHERE "id" = $1`, [
          attackerId,
        ])
        return attacker ? identityOfIp(sql, attacker.ip) : undefined
      })
    },

    /** Campaigns, most addresses first, each with its identities' ids. */
    campaigns(
      input: { limit?: number; cursor?: string } = {},
    ): Promise<Page<CampaignRow & { identities: { id: string; ipCount: number }[] }>> {
      const limit = Math.min(Math.max(input.limit ?? 50, 1), 200)
      const offset = offsetOf(input.cursor)
      return conn.read(async ({ sql }) => {
        const [counted, rows] = await Promise.all([
          sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM "Campaign"`),
          sql.query<CampaignRecord>(
            `SELECT * FROM "Campaign" ORDER BY "ipCount" DESC, "lastSeen" DESC, "id" LIMIT $1 OFFSET $2`,
            [limit, offset],
          ),
        ])
        const ids = rows.map((row) => row.id)
        const identities =
          ids.length === 0
            ? []
            : await sql.query<{ id: string; ipCount: unknown; campaignId: string }>(
                `SELECT "id", "ipCount", "campaignId" FROM "AttackerIdentity"
                 WHERE "campaignId" IN (${ids.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY "ipCount" DESC, "id"`,
                ids,
              )
        return page(
          rows.map((row) => ({
            ...toCampaign(row),
            identities: identities
              .filter((i) => i.campaignId === row.id)
              .slice(0, 50)
              .map((i) => ({ id: i.id, ipCount: toNumber(i.ipCount) })),
          })),
          toNumber(counted[0]?.n ?? 0),
          offset,
        )
      })
    },
  }
}

/** Members of the given identities (at most `cap` each), with their attacker ids for links. */
async function membersOf(
  sql: SqlExecutor,
  identityIds: string[],
  cap: number,
): Promise<Map<string, IdentityMemberRow[]>> {
  const result = new Map<string, IdentityMemberRow[]>()
  if (identityIds.length === 0) return result
  const rows = await sql.query<{
    identityId: string
    ip: string
    attackerId: string | null
    evidence: string
  }>(
    `SELECT "identityId", "ip", "attackerId", "evidence" FROM (
       SELECT m."identityId", m."attackerIp" AS "ip", a."id" AS "attackerId", m."evidence",
         row_number() OVER (PARTITION BY m."identityId" ORDER BY m."attackerIp") AS "rank"
       FROM "AttackerIdentityMember" m LEFT JOIN "Attacker" a ON a."ip" = m."attackerIp"
       WHERE m."identityId" IN (${identityIds.map((_, i) => `$${i + 1}`).join(', ')})
     ) r WHERE r."rank" <= $${identityIds.length + 1} ORDER BY "identityId", "ip"`,
    [...identityIds, cap],
  )
  for (const row of rows) {
    const list = result.get(row.identityId) ?? []
    list.push({ ip: row.ip, attackerId: row.attackerId, evidence: parseStringArray(row.evidence) })
    result.set(row.identityId, list)
  }
  return result
}

async function identityOfIp(sql: SqlExecutor, ip: string): Promise<IdentityDetail | null> {
  const found = await sql.query<IdentityRecord>(
    `SELECT i.* FROM "AttackerIdentity" i JOIN "AttackerIdentityMember" m ON m."identityId" = i."id"
     WHERE m."attackerIp" = $1`,
    [ip],
  )
  const row = found[0]
  if (!row) return null
  const identity = toIdentity(row)
  const members = (await membersOf(sql, [identity.id], MAX_IDENTITY_MEMBERS)).get(identity.id) ?? []
  const campaigns = identity.campaignId
    ? await sql.query<CampaignRecord>(`SELECT * FROM "Campaign" WHERE "id" = $1`, [identity.campaignId])
    : []
  return { identity, members, campaign: campaigns[0] ? toCampaign(campaigns[0]) : null }
}
