// Attackers: profiles maintained by ingest; listing and detail for the console.
import type { Connection } from '../client.ts'
import { parseStringArray } from '../json.ts'
import type { Attacker, CredentialRow, LogRow } from '../types.ts'
import { LOG_COLUMNS, type LogRecord, toLogRow } from './logs.ts'

export type AttackerSort = 'recent' | 'active' | 'deckies'

export interface AttackerListInput {
  /** An IP address or its prefix (`10.0.`). */
  q?: string
  /** Only attackers who touched this service. */
  service?: string
  sort?: AttackerSort
  limit?: number
  cursor?: string
}

interface AttackerRecord {
  id: string
  ip: string
  firstSeen: Date
  lastSeen: Date
  eventCount: number
  services: string
  deckies: string
  credentialCount: number
  commands: string
  updatedAt: Date
}

function toAttacker(row: AttackerRecord): Attacker {
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
    updatedAt: row.updatedAt,
  }
}

const ORDER = {
  recent: [{ lastSeen: 'desc' }, { id: 'asc' }],
  active: [{ eventCount: 'desc' }, { id: 'asc' }],
  deckies: [{ deckyCount: 'desc' }, { id: 'asc' }],
} as const

export function attackersRepository(conn: Connection) {
  return {
    list(input: AttackerListInput = {}): Promise<{ total: number; rows: Attacker[]; nextCursor?: string }> {
      const limit = Math.min(Math.max(input.limit ?? 50, 1), 1000)
      const offset = input.cursor && /^\d{1,9}$/.test(input.cursor) ? Number(input.cursor) : 0
      const where = {
        // A prefix match on the unique ip index; the JSON services list is matched as an exact element.
        ...(input.q ? { ip: { startsWith: input.q } } : {}),
        ...(input.service ? { services: { contains: JSON.stringify(input.service) } } : {}),
      }
      return conn.read(async ({ prisma }) => {
        const [total, rows] = await Promise.all([
          prisma.attacker.count({ where }),
          prisma.attacker.findMany({
            where,
            orderBy: [...ORDER[input.sort ?? 'recent']],
            skip: offset,
            take: limit,
          }),
        ])
        const result: { total: number; rows: Attacker[]; nextCursor?: string } = {
          total,
          rows: rows.map(toAttacker),
        }
        if (offset + rows.length < total) result.nextCursor = String(offset + rows.length)
        return result
      })
    },

    count: (): Promise<number> => conn.read(({ prisma }) => prisma.attacker.count()),

    /** Detail: the profile, every credential tried, and the most recent logs from this IP. */
    get(
      id: string,
      recentLogs = 50,
    ): Promise<{ attacker: Attacker; credentials: CredentialRow[]; recentLogs: LogRow[] } | null> {
      return conn.read(async ({ prisma, sql }) => {
        const row = await prisma.attacker.findUnique({ where: { id } })
        if (!row) return null
        const credentials = await prisma.credential.findMany({
          where: { attackerIp: row.ip },
          orderBy: [{ lastSeen: 'desc' }, { id: 'asc' }],
        })
        const logs = await sql.query<LogRecord>(
          `SELECT ${LOG_COLUMNS} FROM "Log" l WHERE l."attackerIp" = $1 ORDER BY l."id" DESC LIMIT $2`,
          [row.ip, recentLogs],
        )
        return {
          attacker: toAttacker(row),
          credentials: credentials.map(({ id: _id, secretHash: _hash, ...credential }) => credential),
          recentLogs: logs.map(toLogRow),
        }
      })
    },
  }
}
