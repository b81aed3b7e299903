import type { ConnectionSession, DecnetDatabase, TerminalSessionRow } from '@decnet/db'
import { AppError } from '../app-error.ts'

export type AttackerSessions = {
  terminal: TerminalSessionRow[]
  terminalTotal: number
  connections: ConnectionSession[]
  /** The connections were grouped from the attacker's newest events only (older ones exist). */
  connectionsPartial: boolean
}

/** The attacker's recorded terminal sessions and its connections per service, newest first; NOT_FOUND. */
export async function requireAttackerSessions(
  db: Pick<DecnetDatabase, 'sessions'>,
  id: string,
  limit: number,
): Promise<AttackerSessions> {
  const ip = await db.sessions.attackerIp(id)
  if (ip === undefined) throw new AppError('not_found', `no attacker with id ${id}`)
  const terminal = await db.sessions.terminalForAttacker(ip, limit)
  const connections = await db.sessions.connectionsForAttacker(ip, limit)
  return {
    terminal: terminal.rows,
    terminalTotal: terminal.total,
    connections: connections.rows,
    connectionsPartial: connections.partial,
  }
}
