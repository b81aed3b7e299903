// Sessions: the terminal recordings the decoys send (tty_start/tty_output/tty_end events), stored
// by ingest in their own tables, and the per-connection view of an attacker's other interactions
// (HTTP, SMB, databases …) grouped from its Log rows.
import { randomUUID } from 'node:crypto'
import type { Connection } from '../client.ts'
import { pickColumns, readColumns } from '../columns.ts'
import type { TerminalSessionModel } from '../generated/client/sqlite/models.ts'
import { type RawRow, type SqlExecutor, toDate, toNumber, toOptionalDate, toOptionalNumber } from '../sql.ts'
import type { LogEventInput } from '../types.ts'
import { storableText } from './ingest.ts'

/** Event types that carry a recording: stored here, never as Log rows or attacker events. */
export const RECORDING_EVENT_TYPES: ReadonlySet<string> = new Set(['tty_start', 'tty_output', 'tty_end'])

export function isRecordingEvent(event: Pick<LogEventInput, 'eventType'>): boolean {
  return RECORDING_EVENT_TYPES.has(event.eventType)
}

/**
 * Ingest's own caps, whatever a decoy claims (its cap is 1 Mi characters): frame data characters
 * and chunks kept per session, and the longest chunk text read. Beyond them the session is marked
 * truncated and further chunks are dropped.
 */
export const MAX_SESSION_STORED_CHARS = 2 * 1024 * 1024
export const MAX_SESSION_CHUNKS = 4096
export const MAX_CHUNK_CHARS = 64 * 1024
/** Frames kept per session (a client sending one byte per packet makes one frame per byte). */
export const MAX_SESSION_FRAMES = 100_000

const FRAME_CODES = new Set(['o', 'i', 'r', 'm'])

/** One asciicast v2 event: seconds since the session started, code, data. */
export type AsciicastFrame = [number, 'o' | 'i' | 'r' | 'm', string]

/** The frames of one chunk, or undefined when the text is not a well-formed frame list. */
export function parseFrames(text: string): { frames: AsciicastFrame[]; chars: number } | undefined {
  if (text.length > MAX_CHUNK_CHARS) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!Array.isArray(parsed)) return undefined
  let chars = 0
  for (const frame of parsed) {
    if (!Array.isArray(frame) || frame.length !== 3) return undefined
    const [time, code, data] = frame as unknown[]
    if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) return undefined
    if (typeof code !== 'string' || !FRAME_CODES.has(code) || typeof data !== 'string') return undefined
    chars += data.length
  }
  return { frames: parsed as AsciicastFrame[], chars }
}

const SID = /^[0-9a-f]{1,32}$/
const int = (value: unknown, min: number, max: number): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined
const shortText = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' ? storableText(value.slice(0, max)) : undefined

const later = (a: string, b: string) => `CASE WHEN ${a} > ${b} THEN ${a} ELSE ${b} END`
const earlier = (a: string, b: string) => `CASE WHEN ${a} < ${b} THEN ${a} ELSE ${b} END`

/**
 * Writes a batch's recording events (in the ingest transaction). Events arrive in order per decky,
 * but a session is created by whichever of its events comes first, and a chunk seen twice (a log
 * re-read after a reconnect) is stored once. System events (our own probes) are not recordings of
 * anyone and are skipped.
 */
export async function storeRecordingEvents(
  sql: SqlExecutor,
  events: readonly LogEventInput[],
): Promise<void> {
  for (const event of events) {
    if (event.system) continue
    const fields = event.fields ?? {}
    const sid = typeof fields.sid === 'string' && SID.test(fields.sid) ? fields.sid : undefined
    if (sid === undefined) continue
    const [session] = await sql.query<{
      id: string
      bytes: unknown
      chunkCount: unknown
      frameCount: unknown
    }>(
      `INSERT INTO "TerminalSession" ("id", "decky", "sid", "service", "attackerIp", "attackerPort", "startedAt", "lastEventAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
       ON CONFLICT ("decky", "sid") DO UPDATE SET
         "startedAt" = ${earlier('excluded."startedAt"', '"TerminalSession"."startedAt"')},
         "lastEventAt" = ${later('excluded."lastEventAt"', '"TerminalSession"."lastEventAt"')}
       RETURNING "id", "bytes", "chunkCount", "frameCount"`,
      [
        randomUUID(),
        event.decky,
        sid,
        event.service,
        event.attackerIp,
        event.attackerPort ?? null,
        event.timestamp,
      ],
    )
    if (!session) continue
    if (event.eventType === 'tty_start') {
      await sql.execute(
        `UPDATE "TerminalSession" SET "username" = $2, "via" = $3, "term" = $4, "width" = $5, "height" = $6,
           "startedAt" = $7 WHERE "id" = $1`,
        [
          session.id,
          shortText(fields.username, 256) ?? '',
          shortText(fields.via, 32) ?? '',
          shortText(fields.term, 64) ?? 'xterm',
          int(fields.width, 1, 1000) ?? 80,
          int(fields.height, 1, 1000) ?? 24,
          event.timestamp,
        ],
      )
    } else if (event.eventType === 'tty_output') {
      const seq = int(fields.seq, 0, MAX_SESSION_CHUNKS - 1)
      const parsed = typeof fields.frames === 'string' ? parseFrames(fields.frames) : undefined
      const fits =
        parsed !== undefined &&
        seq !== undefined &&
        toNumber(session.bytes) + parsed.chars <= MAX_SESSION_STORED_CHARS &&
        toNumber(session.frameCount) + parsed.frames.length <= MAX_SESSION_FRAMES &&
        toNumber(session.chunkCount) < MAX_SESSION_CHUNKS
      if (!fits) {
        await sql.execute(`UPDATE "TerminalSession" SET "truncated" = TRUE WHERE "id" = $1`, [session.id])
        continue
      }
      const inserted = await sql.execute(
        `INSERT INTO "TerminalChunk" ("sessionId", "seq", "frames") VALUES ($1, $2, $3)
         ON CONFLICT ("sessionId", "seq") DO NOTHING`,
        [session.id, seq, fields.frames as string],
      )
      if (inserted > 0) {
        await sql.execute(
          `UPDATE "TerminalSession" SET "frameCount" = "frameCount" + $2, "bytes" = "bytes" + $3,
             "chunkCount" = "chunkCount" + 1 WHERE "id" = $1`,
          [session.id, parsed.frames.length, parsed.chars],
        )
      }
    } else {
      const duration = typeof fields.duration === 'number' && fields.duration >= 0 ? fields.duration : null
      await sql.execute(
        `UPDATE "TerminalSession" SET "endedAt" = $2, "durationSec" = $3,
           "truncated" = ("truncated" OR $4) WHERE "id" = $1`,
        [session.id, event.timestamp, duration, fields.truncated === true],
      )
    }
  }
}

export type TerminalSessionRow = Omit<TerminalSessionModel, 'sid'>

type TerminalSessionRecord = RawRow<TerminalSessionModel>

const SESSION_COLUMNS = `"id", "decky", "sid", "service", "attackerIp", "attackerPort", "username", "via", "term",
  "width", "height", "startedAt", "lastEventAt", "endedAt", "durationSec", "frameCount", "bytes", "chunkCount", "truncated"`

function toSessionRow(row: TerminalSessionRecord): TerminalSessionRow {
  return {
    ...pickColumns(row, ['id', 'decky', 'service', 'attackerIp', 'username', 'via', 'term']),
    ...readColumns(row, ['attackerPort', 'durationSec'], toOptionalNumber),
    ...readColumns(row, ['width', 'height', 'frameCount', 'bytes', 'chunkCount'], toNumber),
    ...readColumns(row, ['startedAt', 'lastEventAt'], toDate),
    endedAt: toOptionalDate(row.endedAt),
    truncated: row.truncated === true || Number(row.truncated) === 1,
  }
}

/** One connection of an attacker to one service, connect..disconnect, from its Log rows. */
export interface ConnectionSession {
  decky: string
  service: string
  attackerIp: string
  attackerPort: number
  /** First and last event of the connection (connect and disconnect when both were seen). */
  startedAt: Date
  endedAt: Date
  /** Whether its connect / disconnect events are among the rows read. */
  connected: boolean
  disconnected: boolean
  events: number
  /** Events per type, most frequent first. */
  eventTypes: { eventType: string; count: number }[]
}

/** Newest Log rows of an attacker read to group connections (bounds the query for busy attackers). */
export const CONNECTION_SCAN_ROWS = 5_000

export function sessionsRepository(conn: Connection) {
  return {
    /** The source address of the attacker profile `id`, or undefined. */
    async attackerIp(id: string): Promise<string | undefined> {
      return conn.read(async ({ sql }) => {
        const [row] = await sql.query<{ ip: string }>(`SELECT "ip" FROM "Attacker" WHERE "id" = $1`, [id])
        return row?.ip
      })
    },

    /** An attacker's terminal sessions, newest first. */
    async terminalForAttacker(
      ip: string,
      limit: number,
    ): Promise<{ rows: TerminalSessionRow[]; total: number }> {
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<TerminalSessionRecord>(
          `SELECT ${SESSION_COLUMNS} FROM "TerminalSession" WHERE "attackerIp" = $1
           ORDER BY "startedAt" DESC, "id" ASC LIMIT $2`,
          [ip, limit],
        )
        const [count] = await sql.query<{ n: unknown }>(
          `SELECT count(*) AS n FROM "TerminalSession" WHERE "attackerIp" = $1`,
          [ip],
        )
        return { rows: rows.map(toSessionRow), total: toNumber(count?.n ?? 0) }
      })
    },

    /** One recording with its frames in order, or undefined. */
    async get(id: string): Promise<{ session: TerminalSessionRow; frames: AsciicastFrame[] } | undefined> {
      return conn.read(async ({ sql }) => {
        const [row] = await sql.query<TerminalSessionRecord>(
          `SELECT ${SESSION_COLUMNS} FROM "TerminalSession" WHERE "id" = $1`,
          [id],
        )
        if (!row) return undefined
        const chunks = await sql.query<{ frames: string }>(
          `SELECT "frames" FROM "TerminalChunk" WHERE "sessionId" = $1 ORDER BY "seq" ASC`,
          [id],
        )
        const frames: AsciicastFrame[] = []
        for (const chunk of chunks) frames.push(...(parseFrames(chunk.frames)?.frames ?? []))
        return { session: toSessionRow(row), frames }
      })
    },

    /**
     * The attacker's connections (any service), newest first: its recent Log rows grouped per
     * (decky, service, source port), a new connection starting at each `connect`, so a source port
     * reused later (masscan's fixed one) still splits. `partial` says older rows were not read.
     */
    async connectionsForAttacker(
      ip: string,
      limit: number,
      scanRows = CONNECTION_SCAN_ROWS,
    ): Promise<{ rows: ConnectionSession[]; partial: boolean }> {
      return conn.read(async ({ sql }) => {
        const groups = await sql.query<{
          decky: string
          service: string
          attackerPort: unknown
          conn: unknown
          eventType: string
          n: unknown
          first: unknown
          last: unknown
          lastId: unknown
        }>(
          `WITH recent AS (
             SELECT l."id", l."timestamp", l."decky", l."service", l."attackerPort", l."eventType" FROM "Log" l
             WHERE l."attackerIp" = $1 AND l."system" = FALSE AND l."attackerPort" IS NOT NULL
             ORDER BY l."id" DESC LIMIT $2
           ), numbered AS (
             SELECT r.*, SUM(CASE WHEN r."eventType" = 'connect' THEN 1 ELSE 0 END)
               OVER (PARTITION BY r."decky", r."service", r."attackerPort" ORDER BY r."id"
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS conn
             FROM recent r
           )
           SELECT "decky", "service", "attackerPort", conn, "eventType", count(*) AS n,
             min("timestamp") AS first, max("timestamp") AS last, max("id") AS "lastId"
           FROM numbered GROUP BY "decky", "service", "attackerPort", conn, "eventType"`,
          [ip, scanRows + 1],
        )
        const scanned = groups.reduce((sum, group) => sum + toNumber(group.n), 0)
        const byConnection = new Map<string, ConnectionSession & { lastId: number }>()
        for (const group of groups) {
          const port = toNumber(group.attackerPort)
          const key = `${group.decky}\u0000${group.service}\u0000${port}\u0000${toNumber(group.conn)}`
          const first = toDate(group.first)
          const last = toDate(group.last)
          const count = toNumber(group.n)
          let connection = byConnection.get(key)
          if (!connection) {
            connection = {
              decky: group.decky,
              service: group.service,
              attackerIp: ip,
              attackerPort: port,
              startedAt: first,
              endedAt: last,
              connected: false,
              disconnected: false,
              events: 0,
              eventTypes: [],
              lastId: 0,
            }
            byConnection.set(key, connection)
          }
          if (first < connection.startedAt) connection.startedAt = first
          if (last > connection.endedAt) connection.endedAt = last
          connection.lastId = Math.max(connection.lastId, toNumber(group.lastId))
          connection.events += count
          if (group.eventType === 'connect') connection.connected = true
          if (group.eventType === 'disconnect') connection.disconnected = true
          connection.eventTypes.push({ eventType: group.eventType, count })
        }
        const rows = [...byConnection.values()]
          .sort((a, b) => b.lastId - a.lastId)
          .slice(0, limit)
          .map(({ lastId: _lastId, ...connection }) => ({
            ...connection,
            eventTypes: connection.eventTypes.sort(
              (a, b) => b.count - a.count || a.eventType.localeCompare(b.eventType),
            ),
          }))
        return { rows, partial: scanned > scanRows }
      })
    },
  }
}
