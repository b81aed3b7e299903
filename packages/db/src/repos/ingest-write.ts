// The write half of `db.logs.ingest`, split in two so the costly parts run where they cost least:
// prepareIngest (pure CPU: storable text, credential and attacker summaries, the intelligence rules,
// search tokens, every Log row's bound values) on the caller's thread, and writeIngest (the
// transaction's statements) on the write connection — on SQLite that is the ingest worker thread
// (sqlite-ingest/), which then spends its time in SQLite alone. A prepared batch is plain data
// (structured-clonable), and writing it twice after a failed attempt writes the same rows.
import { randomUUID } from 'node:crypto'
import { parseStringArray } from '@decnet/core'
import type { AttackerModel } from '../generated/client/sqlite/models.ts'
import { buildSearchText } from '../search/tokenize.ts'
import {
  type Dialect,
  earlier,
  later,
  type SqlArg,
  type SqlExecutor,
  toNumber,
  valuesPlaceholders,
} from '../sql.ts'
import { sqliteDate } from '../sqlite.ts'
import type { LogEventInput } from '../types.ts'
import {
  type AttackerDelta,
  BatchSummary,
  type CredentialAttempt,
  MAX_COMMANDS,
  storableEvent,
} from './ingest.ts'
import { writeIntel } from './intel.ts'
import { type IntelAnalyser, type IntelBatch, IntelSummary } from './intel-batch.ts'
import { isRecordingEvent, storeRecordingEvents } from './sessions.ts'

// Rows per multi-row INSERT: 11 parameters each stays far below both databases' parameter limits.
const INSERT_CHUNK = 200
/**
 * Log rows per INSERT (10 parameters each: 10,000, within SQLite's 32,766 and PostgreSQL's 65,535).
 * Each statement has a fixed cost on SQLite (statement journal, the full-text trigger's pending
 * terms): 1,000 rows per statement took ~25 µs of CPU per row against ~31 µs at 200 (issue 16).
 */
const LOG_INSERT_CHUNK = 1000
const LOG_COLUMN_COUNT = 10

/** One batch ready to write: only data, so it can be posted to the ingest worker as is. */
export interface PreparedIngest {
  /** The events stored as Log rows (recordings taken out), in batch order. */
  events: LogEventInput[]
  /** Their Log column values, LOG_COLUMN_COUNT per row, already in the database's value types. */
  logValues: SqlArg[]
  credentials: CredentialAttempt[]
  attackers: AttackerDelta[]
  /** Terminal recording events (tty_*): their own tables, never Log rows. */
  recordings: LogEventInput[]
  /** The intelligence stage's findings; undefined when the stage is off. */
  intel: IntelBatch | undefined
  /** The attackers' `updatedAt`. */
  now: Date
}

/** What the write connection needs of a prepared batch (the events stay with the caller). */
export type IngestWrite = Omit<PreparedIngest, 'events'>

/**
 * Longest stretch (ms) prepareIngest keeps the thread before letting other work run: a 5,000-event
 * batch is ~100 ms of CPU, which a read arriving meanwhile would otherwise wait out.
 */
export const PREPARE_SLICE_MS = 2

/**
 * Everything of a batch that needs no database: run before the write lock is even asked for, a
 * slice at a time (the event loop gets a turn every PREPARE_SLICE_MS). `analyser` false leaves the
 * intelligence stage out.
 */
export async function prepareIngest(
  input: readonly LogEventInput[],
  dialect: Dialect,
  analyser: IntelAnalyser | false,
  now: Date,
): Promise<PreparedIngest> {
  const events: LogEventInput[] = []
  // Terminal recordings go to their own tables: never Log rows, attacker events or live rows.
  const recordings: LogEventInput[] = []
  const summary = new BatchSummary()
  const intel = analyser === false ? undefined : new IntelSummary(analyser)
  const logValues: SqlArg[] = []
  let sliceStart = performance.now()
  for (let i = 0; i < input.length; i++) {
    // The clock is read every 16 events: reading it costs more than preparing a cheap event.
    if ((i & 15) === 15 && performance.now() - sliceStart >= PREPARE_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      sliceStart = performance.now()
    }
    const event = storableEvent(input[i] as LogEventInput)
    if (isRecordingEvent(event)) {
      recordings.push(event)
      continue
    }
    events.push(event)
    summary.add(event)
    intel?.add(event)
    pushLogRowValues(logValues, event, dialect)
  }
  // A recording's tty_start (one per session, no frames) is analysed too, after the batch's other
  // events: it counts the session.
  if (intel) for (const event of recordings) if (event.eventType === 'tty_start') intel.add(event)
  const { credentials, attackers } = summary.result()
  return { events, logValues, credentials, attackers, recordings, intel: intel?.result(), now }
}

/**
 * The batch's statements, inside the caller's transaction on the write connection: Log rows, then
 * credentials, attacker profiles, recordings and intelligence (the class reads the counts before it).
 * Returns the Log rows' ids in batch order.
 */
export async function writeIngest(
  sql: SqlExecutor,
  dialect: Dialect,
  batch: IngestWrite,
  analyser: IntelAnalyser,
): Promise<number[]> {
  const ids =
    dialect === 'postgres'
      ? await insertLogsFromArrays(sql, batch.logValues)
      : await insertLogs(sql, batch.logValues)
  await upsertCredentials(sql, batch.credentials)
  await upsertAttackers(sql, dialect, batch.attackers, batch.now)
  if (batch.recordings.length > 0) await storeRecordingEvents(sql, batch.recordings)
  if (batch.intel) await writeIntel(sql, dialect, batch.intel, analyser)
  return ids
}

/** One log row's column values, in the INSERT's column order (timestamp … fields, search text). */
export function logRowValues(event: LogEventInput): SqlArg[] {
  const values: SqlArg[] = []
  pushLogRowValues(values, event, 'postgres')
  return values
}

/**
 * logRowValues appended to `args` (ingest's hot path: no array per row). On SQLite the timestamp and
 * flag are stored as the executor would convert them, so the write connection only binds.
 */
function pushLogRowValues(args: SqlArg[], event: LogEventInput, dialect: Dialect): void {
  const sqlite = dialect === 'sqlite'
  args.push(
    sqlite ? sqliteDate(event.timestamp) : event.timestamp,
    event.decky,
    event.service,
    event.eventType,
    event.attackerIp,
    event.attackerPort ?? null,
    event.rawLine,
    JSON.stringify(event.fields ?? {}),
    buildSearchText(event),
    sqlite ? (event.system ? 1 : 0) : (event.system ?? false),
  )
}

/**
 * Inserts the prepared Log rows in chunks and returns their ids in row order. Ids of one multi-row
 * insert are assigned in VALUES order on both databases, and the batch's chunks run in order on one
 * connection: ids follow the batch's order.
 */
async function insertLogs(sql: SqlExecutor, values: readonly SqlArg[]): Promise<number[]> {
  const ids: number[] = []
  const rows = values.length / LOG_COLUMN_COUNT
  for (let start = 0; start < rows; start += LOG_INSERT_CHUNK) {
    const end = Math.min(rows, start + LOG_INSERT_CHUNK)
    const inserted = await sql.query<{ id: unknown }>(
      `INSERT INTO "Log" ("timestamp", "decky", "service", "eventType", "attackerIp", "attackerPort", "rawLine",
         "fields", "searchText", "system") VALUES ${valuesPlaceholders(end - start, LOG_COLUMN_COUNT)} RETURNING "id"`,
      start === 0 && end === rows ? values : values.slice(start * LOG_COLUMN_COUNT, end * LOG_COLUMN_COUNT),
    )
    const chunkIds = inserted.map((row) => toNumber(row.id)).sort((a, b) => a - b)
    for (const id of chunkIds) ids.push(id)
  }
  return ids
}

const LOG_COLUMN_TYPES = [
  'timestamp(3)',
  'text',
  'text',
  'text',
  'text',
  'integer',
  'text',
  'text',
  'text',
  'boolean',
] as const

/** A PostgreSQL array literal of `values` (each element quoted; NUL never occurs: storableText). */
function pgArrayLiteral(values: readonly SqlArg[]): string {
  let literal = '{'
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as SqlArg
    if (i > 0) literal += ','
    if (value === null) literal += 'NULL'
    else {
      const text = value instanceof Date ? value.toISOString() : String(value)
      literal += `"${text.includes('"') || text.includes('\\') ? text.replace(/["\\]/g, '\\$&') : text}"`
    }
  }
  return `${literal}}`
}

/**
 * PostgreSQL: the whole batch in one statement of ten array parameters, one per column, expanded by
 * unnest (parsing and planning one statement of 10,000 parameters cost more than the rows). Ids are
 * drawn in unnest's order, which is the batch's.
 */
async function insertLogsFromArrays(sql: SqlExecutor, values: readonly SqlArg[]): Promise<number[]> {
  const rows = values.length / LOG_COLUMN_COUNT
  const columns: SqlArg[][] = Array.from({ length: LOG_COLUMN_COUNT }, () => new Array(rows))
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < LOG_COLUMN_COUNT; column++) {
      ;(columns[column] as SqlArg[])[row] = values[row * LOG_COLUMN_COUNT + column] as SqlArg
    }
  }
  const inserted = await sql.query<{ id: unknown }>(
    `INSERT INTO "Log" ("timestamp", "decky", "service", "eventType", "attackerIp", "attackerPort", "rawLine",
       "fields", "searchText", "system")
     SELECT * FROM unnest(${LOG_COLUMN_TYPES.map((type, i) => `CAST($${i + 1} AS ${type}[])`).join(', ')})
     RETURNING "id"`,
    columns.map(pgArrayLiteral),
  )
  return inserted.map((row) => toNumber(row.id)).sort((a, b) => a - b)
}

async function upsertCredentials(sql: SqlExecutor, credentials: readonly CredentialAttempt[]) {
  // Sorted, so concurrent PostgreSQL ingesters lock rows in the same order (no deadlock).
  const ordered = [...credentials].sort((a, b) =>
    a.attackerIp < b.attackerIp ? -1 : a.attackerIp > b.attackerIp ? 1 : 0,
  )
  for (let start = 0; start < ordered.length; start += INSERT_CHUNK) {
    const chunk = ordered.slice(start, start + INSERT_CHUNK)
    const args: SqlArg[] = chunk.flatMap((c) => [
      c.attackerIp,
      c.decky,
      c.service,
      c.kind,
      c.principal,
      c.secret,
      c.secretHash,
      c.count,
      c.firstSeen,
      c.lastSeen,
    ])
    // BatchSummary merged duplicates, so no key appears twice in one statement (PG forbids that).
    await sql.execute(
      `INSERT INTO "Credential" ("attackerIp", "decky", "service", "kind", "principal", "secret", "secretHash",
         "count", "firstSeen", "lastSeen") VALUES ${valuesPlaceholders(chunk.length, 10)}
       ON CONFLICT ("attackerIp", "decky", "service", "kind", "principal", "secretHash") DO UPDATE SET
         "count" = "Credential"."count" + excluded."count",
         "lastSeen" = ${later('excluded."lastSeen"', '"Credential"."lastSeen"')}`,
      args,
    )
  }
}

type AttackerRecord = Pick<AttackerModel, 'ip' | 'services' | 'deckies' | 'commands'>

/** Appends unseen values to a stored JSON list, re-encoding only when something was added. */
function mergeList(stored: string | undefined, additions: string[]): { json: string; count: number } {
  const list = stored === undefined ? [] : parseStringArray(stored)
  const before = list.length
  for (const value of additions) if (!list.includes(value)) list.push(value)
  return {
    json: stored !== undefined && list.length === before ? stored : JSON.stringify(list),
    count: list.length,
  }
}

async function upsertAttackers(
  sql: SqlExecutor,
  dialect: Dialect,
  deltas: readonly AttackerDelta[],
  now: Date,
) {
  if (deltas.length === 0) return
  const ordered = [...deltas].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0))
  for (let start = 0; start < ordered.length; start += INSERT_CHUNK) {
    const chunk = ordered.slice(start, start + INSERT_CHUNK)
    const ips = chunk.map((d) => d.ip)
    const inList = ips.map((_, i) => `$${i + 1}`).join(', ')
    // The JSON lists are merged here, so existing rows are read (and on PostgreSQL locked, after
    // making sure they exist) before the single upsert writes the merged values back.
    if (dialect === 'postgres') {
      await sql.execute(
        `INSERT INTO "Attacker" ("id", "ip", "firstSeen", "lastSeen", "updatedAt")
         VALUES ${valuesPlaceholders(chunk.length, 5)} ON CONFLICT ("ip") DO NOTHING`,
        chunk.flatMap((d) => [randomUUID(), d.ip, d.firstSeen, d.lastSeen, now]),
      )
    }
    const existing = await sql.query<AttackerRecord>(
      `SELECT "ip", "services", "deckies", "commands" FROM "Attacker" WHERE "ip" IN (${inList}) ORDER BY "ip"
       ${dialect === 'postgres' ? 'FOR UPDATE' : ''}`,
      ips,
    )
    const byIp = new Map(existing.map((row) => [row.ip, row]))
    const args: SqlArg[] = []
    for (const delta of chunk) {
      const row = byIp.get(delta.ip)
      const services = mergeList(row?.services, delta.services)
      const deckies = mergeList(row?.deckies, delta.deckies)
      // Busy attackers carry up to MAX_COMMANDS commands: only re-encode the list when it grows.
      const commands =
        row && delta.commands.length === 0
          ? row.commands
          : JSON.stringify(
              [...(row ? parseStringArray(row.commands) : []), ...delta.commands].slice(-MAX_COMMANDS),
            )
      args.push(
        randomUUID(),
        delta.ip,
        delta.firstSeen,
        delta.lastSeen,
        delta.events,
        services.json,
        services.count,
        deckies.json,
        deckies.count,
        commands,
        now,
      )
    }
    await sql.execute(
      `INSERT INTO "Attacker" ("id", "ip", "firstSeen", "lastSeen", "eventCount", "services", "serviceCount",
         "deckies", "deckyCount", "commands", "updatedAt") VALUES ${valuesPlaceholders(chunk.length, 11)}
       ON CONFLICT ("ip") DO UPDATE SET
         "firstSeen" = ${earlier('excluded."firstSeen"', '"Attacker"."firstSeen"')},
         "lastSeen" = ${later('excluded."lastSeen"', '"Attacker"."lastSeen"')},
         "eventCount" = "Attacker"."eventCount" + excluded."eventCount",
         "services" = excluded."services", "serviceCount" = excluded."serviceCount",
         "deckies" = excluded."deckies", "deckyCount" = excluded."deckyCount",
         "commands" = excluded."commands", "updatedAt" = excluded."updatedAt"`,
      args,
    )
    const withCredentials = chunk.filter((d) => d.triedCredentials).map((d) => d.ip)
    if (withCredentials.length > 0) {
      await sql.execute(
        `UPDATE "Attacker" SET "credentialCount" =
           (SELECT count(*) FROM "Credential" c WHERE c."attackerIp" = "Attacker"."ip")
         WHERE "ip" IN (${withCredentials.map((_, i) => `$${i + 1}`).join(', ')})`,
        withCredentials,
      )
    }
  }
}
