// Incidents (grouped attack events), ignore rules, the alert outbox, and the one transaction in which
// the grouping worker turns a batch of Log rows into incident updates, alerts and a new cursor.
import {
  ALERT_REASONS,
  type AlertMessage,
  IGNORE_RULE_KINDS,
  INCIDENT_STATES,
  type IncidentState,
  parseObject,
  parseStringArray,
  SEVERITIES,
  type Severity,
} from '@decnet/core'
import type { Connection } from '../client.ts'
import { knownValue, pickColumns, readColumns } from '../columns.ts'
import { ConflictError, isUniqueViolation, NotFoundError } from '../errors.ts'
import type { AlertModel, IgnoreRuleModel, IncidentModel } from '../generated/client/sqlite/models.ts'
import { orderedId } from '../ids.ts'
import {
  type Dialect,
  type RawRow,
  type SqlArg,
  type SqlExecutor,
  toDate,
  toNumber,
  toOptionalDate,
  valuesPlaceholders,
} from '../sql.ts'
import type {
  AlertInput,
  AlertRow,
  IgnoreRuleInput,
  IgnoreRuleRow,
  IncidentRecord,
  IncidentRow,
  LogRow,
} from '../types.ts'
import { escapeLike } from './attackers.ts'
import { LOG_COLUMNS, type LogRecord, toLogRow } from './logs.ts'

/** Incidents returned by one list call at most. */
export const MAX_INCIDENT_LIST = 500
/** Alerts returned by one alertsAfter call at most. */
export const MAX_ALERTS_AFTER = 1000
/** A note an operator attaches is capped (it is shown and exported). */
export const MAX_INCIDENT_NOTE = 2000

// Arbitrary constant: the advisory lock key that orders Alert id allocation with commits on PostgreSQL
// (the same scheme as lifecycle events: a delivery cursor must never skip a late-committing row).
const PG_ALERT_LOCK = 4_271_998_115

const INCIDENT_COLUMNS = `i."id", i."attackerIp", i."decky", i."deckies", i."services", i."severity", i."reasons",
  i."state", i."firstSeen", i."lastSeen", i."eventCount", i."acknowledgedBy", i."acknowledgedAt", i."resolvedBy",
  i."resolvedAt", i."note", i."rulesVersion", i."credentials", i."alertCount", i."lastAlertAt", i."pendingEvents",
  i."digestDueAt", i."updatedAt"`

type IncidentRaw = RawRow<IncidentModel>

function toIncidentRecord(row: IncidentRaw): IncidentRecord {
  return {
    ...pickColumns(row, ['id', 'attackerIp', 'decky', 'acknowledgedBy', 'resolvedBy', 'note']),
    ...readColumns(row, ['deckies', 'services', 'reasons'], parseStringArray),
    severity: knownValue(SEVERITIES, row.severity, 'Incident.severity'),
    state: knownValue(INCIDENT_STATES, row.state, 'Incident.state'),
    ...readColumns(row, ['firstSeen', 'lastSeen', 'updatedAt'], toDate),
    ...readColumns(row, ['acknowledgedAt', 'resolvedAt', 'lastAlertAt', 'digestDueAt'], toOptionalDate),
    ...readColumns(row, ['eventCount', 'rulesVersion', 'alertCount', 'pendingEvents'], toNumber),
    credentials: Object.fromEntries(
      Object.entries(parseObject(row.credentials)).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    ),
  }
}

/** The operator's view: the worker's bookkeeping columns stay inside the worker. */
export function toIncidentRow(record: IncidentRecord): IncidentRow {
  const {
    rulesVersion: _rules,
    credentials: _credentials,
    alertCount: _alerts,
    lastAlertAt: _lastAlert,
    pendingEvents: _pending,
    digestDueAt: _due,
    updatedAt: _updated,
    ...row
  } = record
  return row
}

function toIgnoreRule(row: IgnoreRuleModel): IgnoreRuleRow {
  return { ...row, kind: knownValue(IGNORE_RULE_KINDS, row.kind, 'IgnoreRule.kind') }
}

function toAlertRow(row: RawRow<AlertModel>): AlertRow {
  const id = toNumber(row.id)
  const stored = parseObject(row.payload) as Omit<AlertMessage, 'id'>
  return {
    id,
    idempotencyKey: row.idempotencyKey,
    incidentId: row.incidentId,
    reason: knownValue(ALERT_REASONS, row.reason, 'Alert.reason'),
    severity: knownValue(SEVERITIES, row.severity, 'Alert.severity'),
    createdAt: toDate(row.createdAt),
    message: { ...stored, id: String(id) },
  }
}

export interface IncidentListInput {
  /** Only incidents in one of these states (default: all). */
  states?: readonly IncidentState[]
  /** Only incidents at least this severe. */
  minSeverity?: Severity
  /** Exact source address. */
  attackerIp?: string
  /** Incidents that touched this decky (opened on it or noted it later). */
  decky?: string
  /** Only incidents active at or after this time (lastSeen). */
  since?: Date
  /** Only incidents that began at or before this time (firstSeen). */
  until?: Date
  limit?: number
  /** From a previous page's nextCursor. */
  cursor?: string
}

export interface IncidentPage {
  rows: IncidentRow[]
  /** Matching incidents in all pages. */
  total: number
  nextCursor?: string
}

/** Keyset cursor over (lastSeen DESC, id DESC): `<epoch ms>_<id>`. Anything else starts at the top. */
function parseIncidentCursor(cursor: string | undefined): { lastSeen: Date; id: string } | undefined {
  const match = cursor ? /^(\d{1,15})_([0-9a-f-]{36})$/.exec(cursor) : null
  return match ? { lastSeen: new Date(Number(match[1])), id: match[2] as string } : undefined
}

/** What every operator action on an incident also writes: its note (kept unless a new one is given), its time. */
function operatorNote(incident: { note: string | null }, note: string | null | undefined, at: Date) {
  return { note: clampNote(note) ?? incident.note, updatedAt: at }
}

function clampNote(note: string | null | undefined): string | null {
  return note === undefined || note === null || note === '' ? null : note.slice(0, MAX_INCIDENT_NOTE)
}

/** A new incident the worker opens, or an existing one it saves back (matched by id). */
export type IncidentWrite = IncidentRecord

/** What the grouping worker does inside its one transaction per batch. */
export interface IncidentBatch {
  /** The worker's durable position (0 before its first batch). */
  cursor(name: string): Promise<number>
  setCursor(name: string, position: number, now: Date): Promise<void>
  /**
   * Attack rows (never DECNET's own system traffic, unless `includeSystem`) with id > `afterId`,
   * oldest first. With system rows a reader sees every id, so it can tell a gap from a filtered row.
   */
  logsAfter(afterId: number, limit: number, options?: { includeSystem?: boolean }): Promise<LogRow[]>
  /** Per source IP, its most recent incident last seen at or after `since` (any state). */
  latestIncidents(ips: readonly string[], since: Date): Promise<Map<string, IncidentRecord>>
  /** Incidents with a digest due at or before `now`, oldest due first. */
  dueDigests(now: Date, limit: number): Promise<IncidentRecord[]>
  /** The most recent attack rows of one source IP, newest first. */
  recentLogs(attackerIp: string, limit: number): Promise<LogRow[]>
  ignoreRules(): Promise<IgnoreRuleRow[]>
  /** Inserts new incidents and overwrites existing ones (by id). */
  saveIncidents(incidents: readonly IncidentWrite[]): Promise<void>
  /** Appends outbox rows; a key already present is left as is (returns how many were new). */
  insertAlerts(alerts: readonly AlertInput[]): Promise<number>
  /** The severity each incident's latest alert carried (incidents without alerts are absent). */
  lastAlertSeverities(incidentIds: readonly string[]): Promise<Map<string, Severity>>
}

const INCIDENT_INSERT_COLUMNS = [
  'id',
  'attackerIp',
  'decky',
  'deckies',
  'services',
  'severity',
  'reasons',
  'state',
  'firstSeen',
  'lastSeen',
  'eventCount',
  'acknowledgedBy',
  'acknowledgedAt',
  'resolvedBy',
  'resolvedAt',
  'note',
  'rulesVersion',
  'credentials',
  'alertCount',
  'lastAlertAt',
  'pendingEvents',
  'digestDueAt',
  'updatedAt',
] as const

function incidentArgs(incident: IncidentWrite): SqlArg[] {
  return [
    incident.id,
    incident.attackerIp,
    incident.decky,
    JSON.stringify(incident.deckies),
    JSON.stringify(incident.services),
    incident.severity,
    JSON.stringify(incident.reasons),
    incident.state,
    incident.firstSeen,
    incident.lastSeen,
    incident.eventCount,
    incident.acknowledgedBy,
    incident.acknowledgedAt,
    incident.resolvedBy,
    incident.resolvedAt,
    incident.note,
    incident.rulesVersion,
    JSON.stringify(incident.credentials),
    incident.alertCount,
    incident.lastAlertAt,
    incident.pendingEvents,
    incident.digestDueAt,
    incident.updatedAt,
  ]
}

// Rows per multi-row statement: 23 columns × 40 rows stays far below both databases' parameter caps.
const INCIDENT_CHUNK = 40
const ALERT_CHUNK = 100
const IN_CHUNK = 500

function placeholders(count: number, offset = 0): string {
  return Array.from({ length: count }, (_, i) => `$${offset + i + 1}`).join(', ')
}

function incidentBatch(sql: SqlExecutor, dialect: Dialect): IncidentBatch {
  return {
    async cursor(name) {
      const rows = await sql.query<{ position: unknown }>(
        `SELECT "position" FROM "WorkerCursor" WHERE "name" = $1`,
        [name],
      )
      return rows[0] ? toNumber(rows[0].position) : 0
    },
    async setCursor(name, position, now) {
      await sql.execute(
        `INSERT INTO "WorkerCursor" ("name", "position", "updatedAt") VALUES ($1, $2, $3)
         ON CONFLICT ("name") DO UPDATE SET "position" = excluded."position", "updatedAt" = excluded."updatedAt"`,
        [name, position, now],
      )
    },
    async logsAfter(afterId, limit, options = {}) {
      const system = options.includeSystem ? '' : 'AND l."system" = false'
      const rows = await sql.query<LogRecord>(
        `SELECT ${LOG_COLUMNS} FROM "Log" l WHERE l."id" > $1 ${system} ORDER BY l."id" ASC LIMIT $2`,
        [afterId, limit],
      )
      return rows.map(toLogRow)
    },
    async latestIncidents(ips, since) {
      const latest = new Map<string, IncidentRecord>()
      const unique = [...new Set(ips)]
      for (let start = 0; start < unique.length; start += IN_CHUNK) {
        const chunk = unique.slice(start, start + IN_CHUNK)
        const rows = await sql.query<IncidentRaw>(
          `SELECT ${INCIDENT_COLUMNS} FROM "Incident" i
           WHERE i."attackerIp" IN (${placeholders(chunk.length)}) AND i."lastSeen" >= $${chunk.length + 1}
           ORDER BY i."lastSeen" ASC, i."id" ASC ${dialect === 'postgres' ? 'FOR UPDATE' : ''}`,
          [...chunk, since],
        )
        // Ascending order: the last one written per IP is its most recent.
        for (const row of rows) latest.set(row.attackerIp, toIncidentRecord(row))
      }
      return latest
    },
    async dueDigests(now, limit) {
      const rows = await sql.query<IncidentRaw>(
        `SELECT ${INCIDENT_COLUMNS} FROM "Incident" i WHERE i."digestDueAt" <= $1
         ORDER BY i."digestDueAt" ASC, i."id" ASC LIMIT $2 ${dialect === 'postgres' ? 'FOR UPDATE' : ''}`,
        [now, limit],
      )
      return rows.map(toIncidentRecord)
    },
    async recentLogs(attackerIp, limit) {
      const rows = await sql.query<LogRecord>(
        `SELECT ${LOG_COLUMNS} FROM "Log" l WHERE l."attackerIp" = $1 AND l."system" = false
         ORDER BY l."id" DESC LIMIT $2`,
        [attackerIp, limit],
      )
      return rows.map(toLogRow)
    },
    async ignoreRules() {
      const rows = await sql.query<RawRow<IgnoreRuleModel>>(
        `SELECT "id", "kind", "value", "note", "createdBy", "createdAt" FROM "IgnoreRule" ORDER BY "createdAt", "id"`,
      )
      return rows.map((row) => toIgnoreRule({ ...row, createdAt: toDate(row.createdAt) }))
    },
    async saveIncidents(incidents) {
      const columns = INCIDENT_INSERT_COLUMNS.map((c) => `"${c}"`).join(', ')
      const updates = INCIDENT_INSERT_COLUMNS.filter((c) => c !== 'id')
        .map((c) => `"${c}" = excluded."${c}"`)
        .join(', ')
      for (let start = 0; start < incidents.length; start += INCIDENT_CHUNK) {
        const chunk = incidents.slice(start, start + INCIDENT_CHUNK)
        await sql.execute(
          `INSERT INTO "Incident" (${columns}) VALUES ${valuesPlaceholders(chunk.length, INCIDENT_INSERT_COLUMNS.length)}
           ON CONFLICT ("id") DO UPDATE SET ${updates}`,
          chunk.flatMap(incidentArgs),
        )
      }
    },
    async insertAlerts(alerts) {
      if (alerts.length === 0) return 0
      if (dialect === 'postgres') await sql.execute(`SELECT pg_advisory_xact_lock(${PG_ALERT_LOCK})`)
      let inserted = 0
      for (let start = 0; start < alerts.length; start += ALERT_CHUNK) {
        const chunk = alerts.slice(start, start + ALERT_CHUNK)
        inserted += await sql.execute(
          `INSERT INTO "Alert" ("idempotencyKey", "incidentId", "reason", "severity", "createdAt", "payload")
           VALUES ${valuesPlaceholders(chunk.length, 6)} ON CONFLICT ("idempotencyKey") DO NOTHING`,
          chunk.flatMap(({ incidentId, ...message }) => [
            message.idempotencyKey,
            incidentId,
            message.reason,
            message.severity,
            new Date(message.createdAt),
            JSON.stringify(message),
          ]),
        )
      }
      return inserted
    },
    async lastAlertSeverities(incidentIds) {
      const latest = new Map<string, Severity>()
      const unique = [...new Set(incidentIds)]
      for (let start = 0; start < unique.length; start += IN_CHUNK) {
        const chunk = unique.slice(start, start + IN_CHUNK)
        const rows = await sql.query<{ incidentId: string; severity: string }>(
          `SELECT a."incidentId", a."severity" FROM "Alert" a
           WHERE a."incidentId" IN (${placeholders(chunk.length)}) ORDER BY a."id" ASC`,
          chunk,
        )
        for (const row of rows)
          latest.set(row.incidentId, knownValue(SEVERITIES, row.severity, 'Alert.severity'))
      }
      return latest
    },
  }
}

export function incidentsRepository(conn: Connection) {
  const { dialect } = conn

  const fetch = async (sql: SqlExecutor, id: string, lock = false): Promise<IncidentRecord | null> => {
    const rows = await sql.query<IncidentRaw>(
      `SELECT ${INCIDENT_COLUMNS} FROM "Incident" i WHERE i."id" = $1 ${lock && dialect === 'postgres' ? 'FOR UPDATE' : ''}`,
      [id],
    )
    return rows[0] ? toIncidentRecord(rows[0]) : null
  }

  /** One operator transition, checked against the current state inside a transaction. */
  const transition = (
    id: string,
    change: (incident: IncidentRecord) => Partial<IncidentRecord>,
  ): Promise<IncidentRow> =>
    conn.run(() =>
      conn.transaction(async (sql) => {
        const incident = await fetch(sql, id, true)
        if (!incident) throw new NotFoundError(`incident ${id} not found`)
        const next = { ...incident, ...change(incident) }
        await incidentBatch(sql, dialect).saveIncidents([next])
        return toIncidentRow(next)
      }),
    )

  return {
    /** Most recently active first; keyset-paged (stable while the worker appends new incidents). */
    list(input: IncidentListInput = {}): Promise<IncidentPage> {
      const limit = Math.min(Math.max(input.limit ?? 50, 1), MAX_INCIDENT_LIST)
      const conditions: string[] = []
      const args: SqlArg[] = []
      const arg = (value: SqlArg) => {
        args.push(value)
        return `$${args.length}`
      }
      if (input.states && input.states.length > 0) {
        conditions.push(`i."state" IN (${input.states.map((state) => arg(state)).join(', ')})`)
      }
      if (input.minSeverity) {
        const atLeast = SEVERITIES.slice(SEVERITIES.indexOf(input.minSeverity))
        conditions.push(`i."severity" IN (${atLeast.map((severity) => arg(severity)).join(', ')})`)
      }
      if (input.attackerIp) conditions.push(`i."attackerIp" = ${arg(input.attackerIp)}`)
      if (input.decky) {
        // The JSON deckies list (which includes the opening decky) is matched as an exact element.
        conditions.push(`i."deckies" LIKE ${arg(`%${escapeLike(JSON.stringify(input.decky))}%`)} ESCAPE '\\'`)
      }
      if (input.since) conditions.push(`i."lastSeen" >= ${arg(input.since)}`)
      if (input.until) conditions.push(`i."firstSeen" <= ${arg(input.until)}`)
      const filterArgs = [...args]
      const filter = conditions.length > 0 ? conditions.join(' AND ') : '1 = 1'
      const after = parseIncidentCursor(input.cursor)
      let page = filter
      if (after) {
        const lastSeen = arg(after.lastSeen)
        page += ` AND (i."lastSeen" < ${lastSeen} OR (i."lastSeen" = ${lastSeen} AND i."id" < ${arg(after.id)}))`
      }
      return conn.read(async ({ sql }) => {
        const [counted, rows] = await Promise.all([
          sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM "Incident" i WHERE ${filter}`, filterArgs),
          sql.query<IncidentRaw>(
            `SELECT ${INCIDENT_COLUMNS} FROM "Incident" i WHERE ${page}
             ORDER BY i."lastSeen" DESC, i."id" DESC LIMIT $${args.length + 1}`,
            [...args, limit + 1],
          ),
        ])
        const records = rows.slice(0, limit).map(toIncidentRecord)
        const result: IncidentPage = { rows: records.map(toIncidentRow), total: toNumber(counted[0]?.n ?? 0) }
        const last = records.at(-1)
        if (rows.length > limit && last) result.nextCursor = `${last.lastSeen.getTime()}_${last.id}`
        return result
      })
    },

    get: (id: string): Promise<IncidentRow | null> =>
      conn.read(async ({ sql }) => {
        const record = await fetch(sql, id)
        return record ? toIncidentRow(record) : null
      }),

    /**
     * open → acknowledged (acknowledging again replaces the note). A resolved incident cannot be
     * acknowledged (ConflictError); new activity reopens it instead.
     */
    acknowledge: (id: string, by: string, note?: string | null, at = new Date()): Promise<IncidentRow> =>
      transition(id, (incident) => {
        if (incident.state === 'resolved') throw new ConflictError(`incident ${id} is resolved`, [id])
        return {
          state: 'acknowledged',
          acknowledgedBy: by,
          acknowledgedAt: at,
          ...operatorNote(incident, note, at),
        }
      }),

    /** open | acknowledged → resolved. Resolving a resolved incident is a ConflictError. */
    resolve: (id: string, by: string, note?: string | null, at = new Date()): Promise<IncidentRow> =>
      transition(id, (incident) => {
        if (incident.state === 'resolved') throw new ConflictError(`incident ${id} is already resolved`, [id])
        return { state: 'resolved', resolvedBy: by, resolvedAt: at, ...operatorNote(incident, note, at) }
      }),

    count: (): Promise<number> => conn.read(({ prisma }) => prisma.incident.count()),

    addIgnoreRule: (input: IgnoreRuleInput, at = new Date()): Promise<IgnoreRuleRow> =>
      conn.run(async () => {
        try {
          const row = await conn.prisma.ignoreRule.create({
            data: {
              id: orderedId(at.getTime()),
              kind: input.kind,
              value: input.value,
              note: clampNote(input.note),
              createdBy: input.createdBy,
              createdAt: at,
            },
          })
          return toIgnoreRule(row)
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new ConflictError(`an ignore rule ${input.kind} ${input.value} already exists`, [
              input.value,
            ])
          }
          throw error
        }
      }),

    /** The removed rule, or null when there was none with that id. */
    removeIgnoreRule: (id: string): Promise<IgnoreRuleRow | null> =>
      conn.run(async () => {
        const row = await conn.prisma.ignoreRule.findUnique({ where: { id } })
        if (!row) return null
        await conn.prisma.ignoreRule.deleteMany({ where: { id } })
        return toIgnoreRule(row)
      }),

    listIgnoreRules: (): Promise<IgnoreRuleRow[]> =>
      conn.read(async ({ prisma }) =>
        (await prisma.ignoreRule.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map(
          toIgnoreRule,
        ),
      ),

    /** Outbox rows with id > `afterId`, oldest first (ids grow in commit order). */
    alertsAfter: (afterId: number, limit = 100): Promise<AlertRow[]> =>
      conn.read(async ({ sql }) =>
        (
          await sql.query<RawRow<AlertModel>>(
            `SELECT "id", "idempotencyKey", "incidentId", "reason", "severity", "createdAt", "payload" FROM "Alert"
             WHERE "id" > $1 ORDER BY "id" ASC LIMIT $2`,
            [afterId, Math.min(Math.max(limit, 1), MAX_ALERTS_AFTER)],
          )
        ).map(toAlertRow),
      ),

    /** The outbox rows of one incident, oldest first. */
    alertsOf: (incidentId: string): Promise<AlertRow[]> =>
      conn.read(async ({ sql }) =>
        (
          await sql.query<RawRow<AlertModel>>(
            `SELECT "id", "idempotencyKey", "incidentId", "reason", "severity", "createdAt", "payload" FROM "Alert"
             WHERE "incidentId" = $1 ORDER BY "id" ASC LIMIT $2`,
            [incidentId, MAX_ALERTS_AFTER],
          )
        ).map(toAlertRow),
      ),

    /** Appends one alert outside the worker (a channel's "send test"); null when its key already exists. */
    addAlert: (input: AlertInput): Promise<AlertRow | null> =>
      conn.run(() =>
        conn.transaction(async (sql) => {
          const inserted = await incidentBatch(sql, dialect).insertAlerts([input])
          if (inserted === 0) return null
          const rows = await sql.query<RawRow<AlertModel>>(
            `SELECT "id", "idempotencyKey", "incidentId", "reason", "severity", "createdAt", "payload" FROM "Alert"
             WHERE "idempotencyKey" = $1`,
            [input.idempotencyKey],
          )
          return rows[0] ? toAlertRow(rows[0]) : null
        }),
      ),

    /**
     * Whether the grouping worker has anything to do: Log rows after its cursor, or a digest due by
     * `now`. Read-only (no write lock), so an idle worker never contends with ingest.
     */
    hasWork: (cursorName: string, now: Date): Promise<boolean> =>
      conn.read(async ({ sql }) => {
        const rows = await sql.query<{ n: unknown }>(
          `SELECT (SELECT count(*) FROM (SELECT 1 FROM "Log" l WHERE l."id" >
             COALESCE((SELECT "position" FROM "WorkerCursor" WHERE "name" = $1), 0) LIMIT 1) AS pending)
           + (SELECT count(*) FROM (SELECT 1 FROM "Incident" i WHERE i."digestDueAt" <= $2 LIMIT 1) AS due) AS n`,
          [cursorName, now],
        )
        return toNumber(rows[0]?.n ?? 0) > 0
      }),

    /** Runs the grouping worker's batch in one write transaction: all of it commits, or none. */
    inBatch: <T>(work: (batch: IncidentBatch) => Promise<T>): Promise<T> =>
      conn.run(() => conn.transaction((sql) => work(incidentBatch(sql, dialect)))),

    // Operators' reads (incidents.onNew, incidents.get).

    /**
     * Where "incidents opened from now on" start: the newest outbox row's id (0 when empty). Every
     * incident the worker opens (or reopens) writes an 'opened' alert in the same transaction, and
     * alert ids grow in commit order, so they are the new-incident stream's event ids.
     */
    newestAlertId: (): Promise<number> =>
      conn.read(async ({ sql }) => {
        const rows = await sql.query<{ id: unknown }>(`SELECT max("id") AS id FROM "Alert"`)
        return rows[0]?.id === null || rows[0]?.id === undefined ? 0 : toNumber(rows[0].id)
      }),

    /** Incidents opened or reopened after outbox row `afterAlertId`, in commit order, each with that row's id. */
    incidentsOpenedAfter: (
      afterAlertId: number,
      limit = 100,
    ): Promise<{ eventId: number; incident: IncidentRow }[]> =>
      conn.read(async ({ sql }) =>
        (
          await sql.query<IncidentRaw & { eventId: unknown }>(
            `SELECT a."id" AS "eventId", ${INCIDENT_COLUMNS} FROM "Alert" a JOIN "Incident" i ON i."id" = a."incidentId"
             WHERE a."id" > $1 AND a."reason" = 'opened' ORDER BY a."id" ASC LIMIT $2`,
            [afterAlertId, Math.min(Math.max(limit, 1), MAX_INCIDENT_LIST)],
          )
        ).map((row) => ({ eventId: toNumber(row.eventId), incident: toIncidentRow(toIncidentRecord(row)) })),
      ),

    /** An incident's events: its source's attack rows between its first and last sighting, newest first. */
    eventsOf: (
      incident: Pick<IncidentRow, 'attackerIp' | 'firstSeen' | 'lastSeen'>,
      limit = 50,
    ): Promise<LogRow[]> =>
      conn.read(async ({ sql }) =>
        (
          await sql.query<LogRecord>(
            `SELECT ${LOG_COLUMNS} FROM "Log" l
             WHERE l."attackerIp" = $1 AND l."timestamp" >= $2 AND l."timestamp" <= $3 AND l."system" = false
             ORDER BY l."timestamp" DESC, l."id" DESC LIMIT $4`,
            [incident.attackerIp, incident.firstSeen, incident.lastSeen, Math.min(Math.max(limit, 1), 1000)],
          )
        ).map(toLogRow),
      ),
  }
}
