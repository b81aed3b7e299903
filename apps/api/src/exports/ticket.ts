// Download tickets: what an exports.* procedure hands back, and the only thing `GET /exports/<ticket>`
// accepts. A ticket is a JWT signed with the session secret (its own type and audience, so it is never
// a session and a session is never a ticket), valid for TICKET_TTL_SECONDS and good for one download:
// its id is recorded as spent in the revoked-token table the moment a download starts, an atomic
// insert, so two API processes cannot both serve it. It names the user and the session it was made
// for; the download checks both are still good and takes the user's role as it is then.
import { randomUUID } from 'node:crypto'
import { signToken, type TokenKind, verifyToken } from '../auth/signed-token.ts'
import { type ExportRequest, ZExportRequest } from './export-request.ts'

export const TICKET_TTL_SECONDS = 60

const TICKET: TokenKind = { audience: 'decnet-export', type: 'export' }

export type ExportTicketClaims = {
  jti: string
  userId: string
  /** The session that asked (a ticket dies with it: logout, revocation). */
  sessionJti: string
  issuedAtMs: number
  expiresAt: Date
  request: ExportRequest
}

export type ExportTicketIssuer = {
  issue(input: {
    userId: string
    sessionJti: string
    request: ExportRequest
    now?: Date
  }): Promise<{ ticket: string; expiresAt: Date }>
  /** The claims of a well-formed, unexpired ticket of ours, or why not. */
  verify(ticket: string): Promise<ExportTicketClaims | 'expired' | 'invalid'>
}

export function createExportTicketIssuer(
  secret: Uint8Array,
  ttlSeconds = TICKET_TTL_SECONDS,
): ExportTicketIssuer {
  return {
    async issue({ userId, sessionJti, request, now = new Date() }) {
      const issuedAtMs = now.getTime()
      const expiresAt = new Date(issuedAtMs + ttlSeconds * 1000)
      const ticket = await signToken(secret, TICKET, {
        subject: userId,
        jti: randomUUID(),
        issuedAtMs,
        expiresAt,
        claims: { sid: sessionJti, req: request },
      })
      return { ticket, expiresAt }
    },
    async verify(ticket) {
      if (ticket.length > 8192) return 'invalid'
      try {
        const payload = await verifyToken(ticket, secret, TICKET)
        const request = ZExportRequest.safeParse(payload?.req)
        if (!payload || typeof payload.sid !== 'string' || !request.success) return 'invalid'
        return {
          jti: payload.jti,
          userId: payload.sub,
          sessionJti: payload.sid,
          issuedAtMs: payload.iat_ms,
          expiresAt: new Date(payload.exp * 1000),
          request: request.data,
        }
      } catch (error) {
        return (error as { code?: unknown }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid'
      }
    },
  }
}
