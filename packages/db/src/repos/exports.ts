// Exports: the tables an operator downloads (logs of a search, attackers, credentials), read in
// keyset pages so a caller can stream any number of rows holding one page at a time. No counts, no
// offsets: each page is an index seek after the previous page's last id.
import type { Connection } from '../client.ts'
import { pickColumns, readColumns } from '../columns.ts'
import type { CredentialModel } from '../generated/client/sqlite/models.ts'
import { compileSearch } from '../search/compile.ts'
import { parseSearch } from '../search/grammar.ts'
import { type RawRow, type SqlArg, toDate, toNumber } from '../sql.ts'
import type { Attacker, IncidentRow, LogRow } from '../types.ts'
import { attackerFilter, attackerFromRawRecord, type RawAttackerRecord } from './attackers.ts'
import { LOG_COLUMNS, type LogRecord, toLogRow } from './logs.ts'

/** Largest page any export reads at once (rows of attacker data held in memory together). */
export const MAX_EXPORT_PAGE = 2000

export interface LogExportPage {
  /** The Logs page's query language (grammar.ts); parsed on every page, so pass a fixed `now`. */
  q?: string
  from?: Date
  to?: Date
  /** Anchors relative ranges (`last:15m`) for the whole export. */
  now: Date
  /** The previous page's last id: logs go newest first, as on the Logs page. */
  beforeId?: number
  limit: number
}

export interface AttackerExportPage {
  /** IP prefix, matched literally (as attackers.list does). */
  q?: string
  /** Only attackers who touched this service. */
  service?: string
  /** The previous page's last id (ascending). */
  afterId?: string
  limit: number
}

/** Events of one incident read for its STIX observables, at most (most recent first). */
export const MAX_INCIDENT_EVENTS = 2000

/** A credential as stored, secret included: the API decides who may read it. */
export type CredentialExportRow = Omit<CredentialModel, 'secretHash'>

type CredentialRecord = RawRow<CredentialExportRow>

const clampPage = (limit: number) => Math.min(Math.max(Math.floor(limit), 1), MAX_EXPORT_PAGE)

function toCredential(row: CredentialRecord): CredentialExportRow {
  return {
    ...pickColumns(row, ['attackerIp', 'decky', 'service', 'kind', 'principal', 'secret']),
    ...readColumns(row, ['id', 'count'], toNumber),
    ...readColumns(row, ['firstSeen', 'lastSeen'], toDate),
  }
}

export function exportsRepository(conn: Connection) {
  return {
    /**
     * One page of the logs a search matches, newest first. Throws SearchQueryError on a malformed
     * `q` (validate before streaming: parseSearch).
     */
    logPage(input: LogExportPage): Promise<LogRow[]> {
      const parsed = parseSearch(input.q ?? '', input.now)
      const compiled = compileSearch(conn.dialect, parsed, {
        from: input.from,
        to: input.to,
        beforeId: input.beforeId,
      })
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<LogRecord>(
          `SELECT ${LOG_COLUMNS} FROM ${compiled.from} WHERE ${compiled.where}
           ORDER BY ${compiled.orderBy} LIMIT $${compiled.args.length + 1}`,
          [...compiled.args, clampPage(input.limit)],
        )
        return rows.map(toLogRow)
      })
    },

    /** One page of attacker profiles in id order (stable while ingest updates them). */
    attackerPage(input: AttackerExportPage): Promise<Attacker[]> {
      const { conditions, args } = attackerFilter(input)
      if (input.afterId !== undefined) {
        args.push(input.afterId)
        conditions.push(`a."id" > $${args.length}`)
      }
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<RawAttackerRecord>(
          `SELECT a."id", a."ip", a."firstSeen", a."lastSeen", a."eventCount", a."services", a."deckies",
             a."credentialCount", a."commands", a."updatedAt"
           FROM "Attacker" a ${where} ORDER BY a."id" LIMIT $${args.length + 1}`,
          [...args, clampPage(input.limit)],
        )
        return rows.map(attackerFromRawRecord)
      })
    },

    /** One page of captured credentials in id order, secrets included. */
    credentialPage(input: { afterId?: number; limit: number }): Promise<CredentialExportRow[]> {
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<CredentialRecord>(
          `SELECT c."id", c."attackerIp", c."decky", c."service", c."kind", c."principal", c."secret",
             c."count", c."firstSeen", c."lastSeen"
           FROM "Credential" c WHERE c."id" > $1 ORDER BY c."id" LIMIT $2`,
          [input.afterId ?? 0, clampPage(input.limit)],
        )
        return rows.map(toCredential)
      })
    },

    /**
     * The attack events an incident groups: its source on its deckies between its first and last
     * event, DECNET's own traffic excluded; the most recent MAX_INCIDENT_EVENTS.
     */
    incidentEvents(
      incident: Pick<IncidentRow, 'attackerIp' | 'decky' | 'deckies' | 'firstSeen' | 'lastSeen'>,
    ): Promise<LogRow[]> {
      const deckies = incident.deckies.length > 0 ? incident.deckies : [incident.decky]
      const args: SqlArg[] = [incident.attackerIp, incident.firstSeen, incident.lastSeen]
      const list = deckies.map((decky) => {
        args.push(decky)
        return `$${args.length}`
      })
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<LogRecord>(
          `SELECT ${LOG_COLUMNS} FROM "Log" l
           WHERE l."attackerIp" = $1 AND l."timestamp" >= $2 AND l."timestamp" <= $3
             AND l."decky" IN (${list.join(', ')}) AND l."system" = $${args.length + 1}
           ORDER BY l."id" DESC LIMIT $${args.length + 2}`,
          [...args, false, MAX_INCIDENT_EVENTS],
        )
        return rows.map(toLogRow)
      })
    },
  }
}
