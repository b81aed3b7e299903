// Attacker intelligence storage (migration 0014): the ingest stage's writes (fingerprints, tool and
// technique matches, indicators, the attacker's behaviour counters and class), all inside the ingest
// transaction, and the reads behind the console's intelligence views (per attacker, fleet-wide).
import {
  type AttackerClass,
  addBehaviour,
  BEHAVIOUR_COUNTERS,
  type BehaviourCounters,
  parseBehaviour,
} from '@decnet/core'
import type { Connection } from '../client.ts'
import { pickColumns, readColumns } from '../columns.ts'
import {
  type Dialect,
  earlier,
  later,
  type SqlArg,
  type SqlExecutor,
  toDate,
  toNumber,
  valuesPlaceholders,
} from '../sql.ts'
import type { Attacker } from '../types.ts'
import { attackerFromRecord } from './attackers.ts'
import { type IntelAnalyser, type IntelBatch, MAX_INTEL_EVIDENCE, MAX_INTEL_VALUE } from './intel-batch.ts'

// Rows per multi-row statement: at most 9 parameters each, far below both databases' limits.
const CHUNK = 200
/** Evidence strings kept with an attacker's class. */
export const MAX_CLASSIFICATION_EVIDENCE = 20

const byKey =
  <T>(key: (row: T) => string) =>
  (a: T, b: T) => {
    const x = key(a)
    const y = key(b)
    return x < y ? -1 : x > y ? 1 : 0
  }

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = []
  for (let start = 0; start < rows.length; start += CHUNK) out.push(rows.slice(start, start + CHUNK))
  return out
}

/** The counters as JSON in a fixed key order, so an unchanged profile compares equal as text. */
export function behaviourJson(counters: BehaviourCounters): string {
  const ordered: BehaviourCounters = {}
  for (const key of BEHAVIOUR_COUNTERS) if (counters[key]) ordered[key] = counters[key]
  return JSON.stringify(ordered)
}

/**
 * One multi-row upsert per chunk: a key seen before gains the batch's count and widens its seen
 * range; what was first recorded (evidence, where first seen) stays. Rows go in key order so
 * concurrent PostgreSQL ingesters lock them in the same order (no deadlock).
 */
async function upsertSightings<Row>(
  sql: SqlExecutor,
  table: string,
  rows: Row[],
  columns: { insert: readonly string[]; key: readonly string[]; update?: readonly string[] },
  values: (row: Row) => SqlArg[],
  sortKey: (row: Row) => string,
): Promise<void> {
  if (rows.length === 0) return
  const ordered = [...rows].sort(byKey(sortKey))
  const quoted = columns.insert.map((column) => `"${column}"`).join(', ')
  const refreshed = (columns.update ?? []).map((column) => `, "${column}" = excluded."${column}"`).join('')
  for (const chunk of chunks(ordered)) {
    await sql.execute(
      `INSERT INTO "${table}" (${quoted}) VALUES ${valuesPlaceholders(chunk.length, columns.insert.length)}
       ON CONFLICT (${columns.key.map((column) => `"${column}"`).join(', ')}) DO UPDATE SET
         "count" = "${table}"."count" + excluded."count",
         "firstSeen" = ${earlier('excluded."firstSeen"', `"${table}"."firstSeen"`)},
         "lastSeen" = ${later('excluded."lastSeen"', `"${table}"."lastSeen"`)}${refreshed}`,
      chunk.flatMap(values),
    )
  }
}

type ClassifyRow = {
  ip: string
  eventCount: unknown
  firstSeen: unknown
  lastSeen: unknown
  serviceCount: unknown
  deckyCount: unknown
  credentialCount: unknown
  behaviour: string
  classification: string
  classificationEvidence: string
  tools: string | null
  techniques: string | null
}

/**
 * Adds the batch's behaviour counters to each attacker it touched and classifies it again from its
 * whole profile (counters, tools and techniques so far). Runs after the attacker and credential
 * upserts of the same transaction, which on PostgreSQL already hold these rows' locks. Rows whose
 * counters and verdict did not change are not written.
 */
async function classifyAttackers(
  sql: SqlExecutor,
  dialect: Dialect,
  behaviour: Map<string, BehaviourCounters>,
  analyser: IntelAnalyser,
): Promise<void> {
  const ips = [...behaviour.keys()].sort()
  // One read per chunk: the profile and, aggregated by correlated subqueries, its tools and techniques
  // (names joined with the unit separator, which no rule id contains).
  const joined = (column: string, table: string) =>
    dialect === 'sqlite'
      ? `(SELECT group_concat(x."${column}", char(31)) FROM "${table}" x WHERE x."attackerIp" = a."ip")`
      : `(SELECT string_agg(x."${column}", chr(31)) FROM "${table}" x WHERE x."attackerIp" = a."ip")`
  const names = (list: string | null) => (list ? [...new Set(list.split('\u001f'))].sort() : [])
  for (const chunk of chunks(ips)) {
    const inList = chunk.map((_, i) => `$${i + 1}`).join(', ')
    const rows = await sql.query<ClassifyRow>(
      `SELECT a."ip", a."eventCount", a."firstSeen", a."lastSeen", a."serviceCount", a."deckyCount",
         a."credentialCount", a."behaviour", a."classification", a."classificationEvidence",
         ${joined('tool', 'AttackerTool')} AS "tools", ${joined('technique', 'AttackerTechnique')} AS "techniques"
       FROM "Attacker" a WHERE a."ip" IN (${inList})`,
      chunk,
    )
    const args: SqlArg[] = []
    let changed = 0
    for (const row of rows) {
      const counters = parseBehaviour(row.behaviour)
      addBehaviour(counters, behaviour.get(row.ip) ?? {})
      const verdict = analyser.classifyAttacker({
        eventCount: toNumber(row.eventCount),
        firstSeen: toDate(row.firstSeen),
        lastSeen: toDate(row.lastSeen),
        serviceCount: toNumber(row.serviceCount),
        deckyCount: toNumber(row.deckyCount),
        credentialCount: toNumber(row.credentialCount),
        behaviour: counters,
        tools: names(row.tools),
        techniques: names(row.techniques),
      })
      const json = behaviourJson(counters)
      const evidence = JSON.stringify(
        verdict.evidence
          .slice(0, MAX_CLASSIFICATION_EVIDENCE)
          .map((line) => (line.length > MAX_INTEL_EVIDENCE ? line.slice(0, MAX_INTEL_EVIDENCE) : line)),
      )
      if (
        json === row.behaviour &&
        verdict.class === row.classification &&
        evidence === row.classificationEvidence
      ) {
        continue
      }
      args.push(row.ip, json, verdict.class, evidence)
      changed++
    }
    if (changed === 0) continue
    // VALUES columns are column1… on both databases (SQLite has no column aliases for them).
    await sql.execute(
      `UPDATE "Attacker" SET "behaviour" = v.column2, "classification" = v.column3,
         "classificationEvidence" = v.column4
       FROM (VALUES ${valuesPlaceholders(changed, 4)}) AS v WHERE "Attacker"."ip" = v.column1`,
      args,
    )
  }
}

/**
 * Writes one batch's intelligence inside the ingest transaction: after the log rows, credentials and
 * attacker profiles (the class reads their counts).
 */
export async function writeIntel(
  sql: SqlExecutor,
  dialect: Dialect,
  batch: IntelBatch,
  analyser: IntelAnalyser,
): Promise<void> {
  const { versions } = analyser
  await upsertSightings(
    sql,
    'AttackerFingerprint',
    batch.fingerprints,
    {
      insert: ['attackerIp', 'kind', 'value', 'detail', 'service', 'count', 'firstSeen', 'lastSeen'],
      key: ['attackerIp', 'kind', 'value'],
    },
    (f) => [f.attackerIp, f.kind, f.value, f.detail, f.service, f.count, f.firstSeen, f.lastSeen],
    (f) => `${f.attackerIp}\u0000${f.kind}\u0000${f.value}`,
  )
  await upsertSightings(
    sql,
    'AttackerTool',
    batch.tools,
    {
      insert: ['attackerIp', 'tool', 'ruleId', 'ruleVersion', 'evidence', 'count', 'firstSeen', 'lastSeen'],
      key: ['attackerIp', 'tool', 'ruleId'],
      // The rule version that matched last: an analyst sees which rules still say so.
      update: ['ruleVersion'],
    },
    (t) => [t.attackerIp, t.tool, t.ruleId, versions.tools, t.evidence, t.count, t.firstSeen, t.lastSeen],
    (t) => `${t.attackerIp}\u0000${t.tool}\u0000${t.ruleId}`,
  )
  await upsertSightings(
    sql,
    'AttackerTechnique',
    batch.techniques,
    {
      insert: [
        'attackerIp',
        'technique',
        'ruleId',
        'ruleVersion',
        'evidence',
        'decky',
        'count',
        'firstSeen',
        'lastSeen',
      ],
      key: ['attackerIp', 'technique', 'ruleId'],
      update: ['ruleVersion'],
    },
    (t) => [
      t.attackerIp,
      t.technique,
      t.ruleId,
      versions.techniques,
      t.evidence,
      t.decky,
      t.count,
      t.firstSeen,
      t.lastSeen,
    ],
    (t) => `${t.attackerIp}\u0000${t.technique}\u0000${t.ruleId}`,
  )
  await upsertSightings(
    sql,
    'AttackerIoc',
    batch.iocs,
    {
      insert: ['attackerIp', 'kind', 'value', 'source', 'decky', 'count', 'firstSeen', 'lastSeen'],
      key: ['attackerIp', 'kind', 'value'],
    },
    (i) => [i.attackerIp, i.kind, i.value, i.source, i.decky, i.count, i.firstSeen, i.lastSeen],
    (i) => `${i.attackerIp}\u0000${i.kind}\u0000${i.value}`,
  )
  await classifyAttackers(sql, dialect, batch.behaviour, analyser)
}

// ---- reads ----------------------------------------------------------------------------------------

/** Rows per list of one attacker's intelligence (the busiest attackers have thousands of indicators). */
export const MAX_ATTACKER_INTEL_ROWS = 200
export const MAX_IOC_PAGE = 500

interface SeenRange {
  count: number
  firstSeen: Date
  lastSeen: Date
}
export type FingerprintRow = SeenRange & { kind: string; value: string; detail: string; service: string }
export type ToolRow = SeenRange & { tool: string; ruleId: string; ruleVersion: string; evidence: string }
export type TechniqueRow = SeenRange & {
  technique: string
  ruleId: string
  ruleVersion: string
  evidence: string
  decky: string
}
export type IocRow = SeenRange & { kind: string; value: string; source: string; decky: string }

export interface AttackerIntel {
  attacker: Attacker
  classification: { class: AttackerClass; evidence: string[] }
  behaviour: BehaviourCounters
  fingerprints: FingerprintRow[]
  fingerprintTotal: number
  tools: ToolRow[]
  techniques: TechniqueRow[]
  iocs: IocRow[]
  iocTotal: number
}

/** One technique across the fleet: how many attackers, how many sightings, and a few of them. */
export interface FleetTechnique {
  technique: string
  attackers: number
  hits: number
  firstSeen: Date
  lastSeen: Date
  /** The attackers seen most with it (up to TECHNIQUE_SAMPLE_ATTACKERS). */
  topAttackers: { id: string; ip: string; count: number }[]
}
export const TECHNIQUE_SAMPLE_ATTACKERS = 5

/** One indicator across the fleet, deduplicated over attackers. */
export interface FleetIoc {
  kind: string
  value: string
  attackers: number
  hits: number
  firstSeen: Date
  lastSeen: Date
}

export interface IocListInput {
  kind?: string
  /** Part of the value, matched literally. */
  q?: string
  limit?: number
  cursor?: string
}

const seenRange = (row: { count: unknown; firstSeen: unknown; lastSeen: unknown }): SeenRange => ({
  count: toNumber(row.count),
  firstSeen: toDate(row.firstSeen),
  lastSeen: toDate(row.lastSeen),
})

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`)

function iocFilter(input: { kind?: string | undefined; q?: string | undefined }): {
  where: string
  args: SqlArg[]
} {
  const conditions: string[] = []
  const args: SqlArg[] = []
  if (input.kind) {
    args.push(input.kind)
    conditions.push(`i."kind" = $${args.length}`)
  }
  if (input.q) {
    args.push(`%${escapeLike(input.q.slice(0, MAX_INTEL_VALUE))}%`)
    conditions.push(`i."value" LIKE $${args.length} ESCAPE '\\'`)
  }
  return { where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', args }
}

type FleetIocRecord = {
  kind: string
  value: string
  attackers: unknown
  hits: unknown
  firstSeen: unknown
  lastSeen: unknown
}
const toFleetIoc = (row: FleetIocRecord): FleetIoc => ({
  ...pickColumns(row, ['kind', 'value']),
  ...readColumns(row, ['attackers', 'hits'], toNumber),
  ...readColumns(row, ['firstSeen', 'lastSeen'], toDate),
})
const FLEET_IOC_COLUMNS = `i."kind", i."value", count(*) AS "attackers", sum(i."count") AS "hits",
  min(i."firstSeen") AS "firstSeen", max(i."lastSeen") AS "lastSeen"`

export function intelRepository(conn: Connection) {
  return {
    /** An attacker's intelligence (each list capped, most recent first), or null for an unknown id. */
    forAttacker(id: string, limit = MAX_ATTACKER_INTEL_ROWS): Promise<AttackerIntel | null> {
      const rows = Math.min(Math.max(limit, 1), MAX_ATTACKER_INTEL_ROWS)
      return conn.read(async ({ prisma, sql }) => {
        const record = await prisma.attacker.findUnique({ where: { id } })
        if (!record) return null
        const ip = record.ip
        const [fingerprints, fingerprintTotal, tools, techniques, iocs, iocTotal] = await Promise.all([
          sql.query<{
            kind: string
            value: string
            detail: string
            service: string
            count: unknown
            firstSeen: unknown
            lastSeen: unknown
          }>(
            `SELECT "kind", "value", "detail", "service", "count", "firstSeen", "lastSeen" FROM "AttackerFingerprint"
             WHERE "attackerIp" = $1 ORDER BY "lastSeen" DESC, "id" ASC LIMIT $2`,
            [ip, rows],
          ),
          sql.query<{ n: unknown }>(
            `SELECT count(*) AS n FROM "AttackerFingerprint" WHERE "attackerIp" = $1`,
            [ip],
          ),
          sql.query<{
            tool: string
            ruleId: string
            ruleVersion: string
            evidence: string
            count: unknown
            firstSeen: unknown
            lastSeen: unknown
          }>(
            `SELECT "tool", "ruleId", "ruleVersion", "evidence", "count", "firstSeen", "lastSeen" FROM "AttackerTool"
             WHERE "attackerIp" = $1 ORDER BY "count" DESC, "id" ASC LIMIT $2`,
            [ip, rows],
          ),
          sql.query<{
            technique: string
            ruleId: string
            ruleVersion: string
            evidence: string
            decky: string
            count: unknown
            firstSeen: unknown
            lastSeen: unknown
          }>(
            `SELECT "technique", "ruleId", "ruleVersion", "evidence", "decky", "count", "firstSeen", "lastSeen"
             FROM "AttackerTechnique" WHERE "attackerIp" = $1 ORDER BY "technique" ASC, "id" ASC LIMIT $2`,
            [ip, rows],
          ),
          sql.query<{
            kind: string
            value: string
            source: string
            decky: string
            count: unknown
            firstSeen: unknown
            lastSeen: unknown
          }>(
            `SELECT "kind", "value", "source", "decky", "count", "firstSeen", "lastSeen" FROM "AttackerIoc"
             WHERE "attackerIp" = $1 ORDER BY "lastSeen" DESC, "id" ASC LIMIT $2`,
            [ip, rows],
          ),
          sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM "AttackerIoc" WHERE "attackerIp" = $1`, [ip]),
        ])
        const attacker = attackerFromRecord(record)
        return {
          attacker,
          classification: { class: attacker.classification, evidence: attacker.classificationEvidence },
          behaviour: attacker.behaviour,
          fingerprints: fingerprints.map((row) => ({
            ...pickColumns(row, ['kind', 'value', 'detail', 'service']),
            ...seenRange(row),
          })),
          fingerprintTotal: toNumber(fingerprintTotal[0]?.n ?? 0),
          tools: tools.map((row) => ({
            ...pickColumns(row, ['tool', 'ruleId', 'ruleVersion', 'evidence']),
            ...seenRange(row),
          })),
          techniques: techniques.map((row) => ({
            ...pickColumns(row, ['technique', 'ruleId', 'ruleVersion', 'evidence', 'decky']),
            ...seenRange(row),
          })),
          iocs: iocs.map((row) => ({
            ...pickColumns(row, ['kind', 'value', 'source', 'decky']),
            ...seenRange(row),
          })),
          iocTotal: toNumber(iocTotal[0]?.n ?? 0),
        }
      })
    },

    /**
     * Every technique seen in the fleet with its attacker and sighting counts (most attackers first)
     * and the few attackers seen most with it. One row per technique: the list is as long as the
     * rule set, not as the traffic.
     */
    techniques(): Promise<FleetTechnique[]> {
      return conn.read(async ({ sql }) => {
        const [totals, top] = await Promise.all([
          sql.query<{
            technique: string
            attackers: unknown
            hits: unknown
            firstSeen: unknown
            lastSeen: unknown
          }>(
            `SELECT "technique", count(DISTINCT "attackerIp") AS "attackers", sum("count") AS "hits",
               min("firstSeen") AS "firstSeen", max("lastSeen") AS "lastSeen"
             FROM "AttackerTechnique" GROUP BY "technique"`,
          ),
          sql.query<{ technique: string; id: string; ip: string; count: unknown }>(
            `SELECT ranked."technique", a."id", a."ip", ranked."count" FROM (
               SELECT per."technique", per."attackerIp", per."count",
                 row_number() OVER (PARTITION BY per."technique" ORDER BY per."count" DESC, per."attackerIp") AS "rank"
               FROM (SELECT "technique", "attackerIp", sum("count") AS "count" FROM "AttackerTechnique"
                     GROUP BY "technique", "attackerIp") AS per
             ) AS ranked JOIN "Attacker" a ON a."ip" = ranked."attackerIp"
             WHERE ranked."rank" <= $1 ORDER BY ranked."technique", ranked."count" DESC, a."ip"`,
            [TECHNIQUE_SAMPLE_ATTACKERS],
          ),
        ])
        const samples = new Map<string, FleetTechnique['topAttackers']>()
        for (const row of top) {
          const list = samples.get(row.technique) ?? []
          list.push({ id: row.id, ip: row.ip, count: toNumber(row.count) })
          samples.set(row.technique, list)
        }
        return totals
          .map((row) => ({
            technique: row.technique,
            attackers: toNumber(row.attackers),
            hits: toNumber(row.hits),
            firstSeen: toDate(row.firstSeen),
            lastSeen: toDate(row.lastSeen),
            topAttackers: samples.get(row.technique) ?? [],
          }))
          .sort(
            (a, b) => b.attackers - a.attackers || b.hits - a.hits || (a.technique < b.technique ? -1 : 1),
          )
      })
    },

    /**
     * Indicators fleet-wide, one row per (kind, value) with how many attackers left it; most
     * attackers first. Offset cursors, like the attacker list.
     */
    iocs(input: IocListInput = {}): Promise<{ total: number; rows: FleetIoc[]; nextCursor?: string }> {
      const limit = Math.min(Math.max(input.limit ?? 50, 1), MAX_IOC_PAGE)
      const offset = input.cursor && /^\d{1,9}$/.test(input.cursor) ? Number(input.cursor) : 0
      const { where, args } = iocFilter(input)
      return conn.read(async ({ sql }) => {
        const [counted, page] = await Promise.all([
          sql.query<{ n: unknown }>(
            `SELECT count(*) AS n FROM (SELECT 1 FROM "AttackerIoc" i ${where} GROUP BY i."kind", i."value") AS g`,
            args,
          ),
          sql.query<FleetIocRecord>(
            `SELECT ${FLEET_IOC_COLUMNS} FROM "AttackerIoc" i ${where} GROUP BY i."kind", i."value"
             ORDER BY count(*) DESC, max(i."lastSeen") DESC, i."kind", i."value"
             LIMIT $${args.length + 1} OFFSET $${args.length + 2}`,
            [...args, limit, offset],
          ),
        ])
        const total = toNumber(counted[0]?.n ?? 0)
        const result: { total: number; rows: FleetIoc[]; nextCursor?: string } = {
          total,
          rows: page.map(toFleetIoc),
        }
        if (offset + page.length < total) result.nextCursor = String(offset + page.length)
        return result
      })
    },

    /** Keyset pages of the fleet-wide indicators in (kind, value) order, for streamed exports. */
    iocPage(input: {
      kind?: string | undefined
      after?: { kind: string; value: string } | undefined
      limit: number
    }): Promise<FleetIoc[]> {
      const { where, args } = iocFilter({ kind: input.kind })
      const conditions = where ? [where.slice('WHERE '.length)] : []
      if (input.after) {
        args.push(input.after.kind, input.after.value)
        const k = `$${args.length - 1}`
        const v = `$${args.length}`
        // Spelled out rather than a row-value comparison: the same plan on both databases.
        conditions.push(`(i."kind" > ${k} OR (i."kind" = ${k} AND i."value" > ${v}))`)
      }
      const clause = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<FleetIocRecord>(
          `SELECT ${FLEET_IOC_COLUMNS} FROM "AttackerIoc" i ${clause} GROUP BY i."kind", i."value"
           ORDER BY i."kind", i."value" LIMIT $${args.length + 1}`,
          [...args, Math.min(Math.max(input.limit, 1), MAX_IOC_PAGE)],
        )
        return rows.map(toFleetIoc)
      })
    },
  }
}
