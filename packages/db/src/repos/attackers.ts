// Attackers: profiles maintained by ingest; listing and detail for the console.
import { type AttackerSort, parseBehaviour, parseStringArray, toAttackerClass } from '@decnet/core'
import type { Connection } from '../client.ts'
import { readColumns } from '../columns.ts'
import type { AttackerModel } from '../generated/client/sqlite/models.ts'
import { type Dialect, type RawRow, type SqlArg, type SqlExecutor, toDate, toNumber } from '../sql.ts'
import type { Attacker, CredentialRow, LogRow } from '../types.ts'
import { LOG_COLUMNS, type LogRecord, toLogRow } from './logs.ts'

export interface AttackerListInput {
  /** An IP address or its prefix (`10.0.`), matched literally (`%` and `_` are not wildcards). */
  q?: string
  /** Only attackers who touched this service. */
  service?: string
  /** Only attackers who touched this decky. */
  decky?: string
  sort?: AttackerSort
  limit?: number
  cursor?: string
}

export interface AttackerDetailOptions {
  /** How many of the most recent logs to include (default 50, at most 200). */
  recentLogs?: number
  /** Credentials per page (default 50, at most 500). */
  credentialLimit?: number
  credentialCursor?: string
}

export interface AttackerDetail {
  attacker: Attacker
  /** One page of the credentials tried, most recent first. */
  credentials: CredentialRow[]
  credentialTotal: number
  credentialsNextCursor?: string
  recentLogs: LogRow[]
}

export type AttackerRecord = Omit<AttackerModel, 'serviceCount' | 'deckyCount'>
type CredentialRecord = RawRow<CredentialRow>

export function attackerFromRecord(row: AttackerRecord): Attacker {
  return {
    id: row.id,
    ip: row.ip,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
    eventCount: row.eventCount,
    services: parseStringArray(row.services),
    deckies: parseStringArray(row.deckies),
    credentialCount: row.credentialCount,
    commands: parseStringArray(row.commands),
    behaviour: parseBehaviour(row.behaviour),
    classification: toAttackerClass(row.classification),
    classificationEvidence: parseStringArray(row.classificationEvidence),
    updatedAt: row.updatedAt,
  }
}

/** Every column attackerFromRecord reads, for raw reads of whole profiles. */
const ATTACKER_COLUMNS = `a."id", a."ip", a."firstSeen", a."lastSeen", a."eventCount", a."services", a."deckies",
  a."credentialCount", a."commands", a."updatedAt", a."behaviour", a."classification", a."classificationEvidence"`

/** A profile as a raw read returns it (dates and numbers as the driver hands them back). */
export type RawAttackerRecord = RawRow<AttackerRecord>

export function attackerFromRawRecord(row: RawAttackerRecord): Attacker {
  return attackerFromRecord({
    ...row,
    ...readColumns(row, ['firstSeen', 'lastSeen', 'updatedAt'], toDate),
    ...readColumns(row, ['eventCount', 'credentialCount'], toNumber),
  })
}

const ORDER_SQL: Record<AttackerSort, string> = {
  recent: 'a."lastSeen" DESC, a."id" ASC',
  active: 'a."eventCount" DESC, a."id" ASC',
  deckies: 'a."deckyCount" DESC, a."id" ASC',
}

/** `text` as a literal inside a LIKE pattern written with `ESCAPE '\'` (the same on both databases). */
/**
 * The attacker list's filter as SQL: an address prefix, a service and a decky (exact elements of the
 * JSON services and deckies lists). Callers append their own conditions and arguments after these.
 */
export function attackerFilter(input: {
  q?: string | undefined
  service?: string | undefined
  decky?: string | undefined
}): {
  conditions: string[]
  args: SqlArg[]
} {
  const conditions: string[] = []
  const args: SqlArg[] = []
  if (input.q) {
    args.push(`${escapeLike(input.q)}%`)
    conditions.push(`a."ip" LIKE $${args.length} ESCAPE '\\'`)
  }
  if (input.service) {
    args.push(`%${escapeLike(JSON.stringify(input.service))}%`)
    conditions.push(`a."services" LIKE $${args.length} ESCAPE '\\'`)
  }
  if (input.decky) {
    args.push(`%${escapeLike(JSON.stringify(input.decky))}%`)
    conditions.push(`a."deckies" LIKE $${args.length} ESCAPE '\\'`)
  }
  return { conditions, args }
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`)
}

function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  return Math.min(Math.max(limit ?? fallback, 1), max)
}

/** Offset cursors: the decimal position of the next row. Anything else starts at the beginning. */
/** PostgreSQL's count rows are folded into one when a reader finds more than this many. */
const COUNT_ROWS_FOLDED_AT = 256

/**
 * The number of Attacker rows, as the triggers of migration 0027 keep it: the sum of AttackerCount.
 * PostgreSQL appends a row per inserting or deleting statement; past COUNT_ROWS_FOLDED_AT the
 * reader folds the rows it summed into one (a concurrent fold waits for this one, then finds them
 * gone and skips them, so the sum stays exact).
 */
async function keptAttackerCount(dialect: Dialect, sql: SqlExecutor): Promise<number> {
  const [row] = await sql.query<{ total: unknown; rows: unknown; last: unknown }>(
    'SELECT COALESCE(sum("delta"), 0) AS total, count(*) AS rows, max("id") AS last FROM "AttackerCount"',
  )
  const total = toNumber(row?.total ?? 0)
  if (dialect === 'postgres' && toNumber(row?.rows ?? 0) > COUNT_ROWS_FOLDED_AT) {
    await sql.execute(
      `WITH folded AS (DELETE FROM "AttackerCount" WHERE "id" <= $1 RETURNING "delta")
       INSERT INTO "AttackerCount" ("delta") SELECT sum("delta") FROM folded HAVING count(*) > 0`,
      [toNumber(row?.last ?? 0)],
    )
  }
  return total
}

function offsetOf(cursor: string | undefined): number {
  return cursor && /^\d{1,9}$/.test(cursor) ? Number(cursor) : 0
}

export function attackersRepository(conn: Connection) {
  return {
    list(input: AttackerListInput = {}): Promise<{ total: number; rows: Attacker[]; nextCursor?: string }> {
      const limit = clampLimit(input.limit, 50, 1000)
      const offset = offsetOf(input.cursor)
      // Raw SQL for the filter: Prisma's startsWith/contains hand `%` and `_` to LIKE unescaped, so a
      // search for `a%` would match every address.
      const { conditions, args } = attackerFilter(input)
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''
      return conn.read(async ({ sql }) => {
        // The page's whole profiles in one read: no second round trip for the rows by id.
        const [total, page] = await Promise.all([
          // Unfiltered, the total is the kept count: counting a million rows costs more than the page.
          conditions.length === 0
            ? keptAttackerCount(conn.dialect, sql)
            : sql
                .query<{ n: unknown }>(`SELECT count(*) AS n FROM "Attacker" a ${where}`, args)
                .then((rows) => toNumber(rows[0]?.n ?? 0)),
          sql.query<RawAttackerRecord>(
            `SELECT ${ATTACKER_COLUMNS} FROM "Attacker" a ${where} ORDER BY ${ORDER_SQL[input.sort ?? 'recent']}
             LIMIT $${args.length + 1} OFFSET $${args.length + 2}`,
            [...args, limit, offset],
          ),
        ])
        const rows = page.map(attackerFromRawRecord)
        const result: { total: number; rows: Attacker[]; nextCursor?: string } = { total, rows }
        if (offset + page.length < total) result.nextCursor = String(offset + page.length)
        return result
      })
    },

    count: (): Promise<number> => conn.read(({ sql }) => keptAttackerCount(conn.dialect, sql)),

    /**
     * Detail: the profile, one page of the credentials tried (most recent first; an attacker decides
     * how many there are) and the most recent logs from this IP.
     */
    get(id: string, options: AttackerDetailOptions = {}): Promise<AttackerDetail | null> {
      const recentLogs = clampLimit(options.recentLogs, 50, 200)
      const credentialLimit = clampLimit(options.credentialLimit, 50, 500)
      const credentialOffset = offsetOf(options.credentialCursor)
      return conn.read(async ({ prisma, sql }) => {
        const row = await prisma.attacker.findUnique({ where: { id } })
        if (!row) return null
        // The profile's credentialCount is the exact count (ingest keeps it in the same transaction);
        // the page is one index range (attackerIp, lastSeen): a brute-forcer's tens of thousands of
        // credentials are neither counted nor sorted per request.
        const credentialTotal = row.credentialCount
        const [credentials, logs] = await Promise.all([
          sql.query<CredentialRecord>(
            `SELECT "attackerIp", "decky", "service", "kind", "principal", "secret", "count", "firstSeen", "lastSeen"
             FROM "Credential" WHERE "attackerIp" = $1 ORDER BY "lastSeen" DESC, "id" ASC LIMIT $2 OFFSET $3`,
            [row.ip, credentialLimit, credentialOffset],
          ),
          sql.query<LogRecord>(
            // DECNET's own probes may share an attacker's address (loopback, a gateway): not theirs.
            `SELECT ${LOG_COLUMNS} FROM "Log" l WHERE l."attackerIp" = $1 AND l."system" = FALSE
             ORDER BY l."id" DESC LIMIT $2`,
            [row.ip, recentLogs],
          ),
        ])
        const detail: AttackerDetail = {
          attacker: attackerFromRecord(row),
          credentials: credentials.map((credential) => ({
            ...credential,
            count: toNumber(credential.count),
            firstSeen: toDate(credential.firstSeen),
            lastSeen: toDate(credential.lastSeen),
          })),
          credentialTotal,
          recentLogs: logs.map(toLogRow),
        }
        if (credentialOffset + credentials.length < credentialTotal) {
          detail.credentialsNextCursor = String(credentialOffset + credentials.length)
        }
        return detail
      })
    },
  }
}
