import { randomUUID } from 'node:crypto'
import { signToken, type TokenKind, verifyToken } from './signed-token.ts'

const SESSION: TokenKind = { audience: 'decnet-api', type: 'session' }
export const DEFAULT_SESSION_TTL_SECONDS = 4 * 60 * 60

export type SessionClaims = {
  userId: string
  jti: string
  /** Issue time in milliseconds: bulk revocation compares it with the user's tokensValidFrom. */
  issuedAtMs: number
  expiresAt: Date
}

export type SessionTokenIssuer = {
  issue(userId: string): Promise<{ token: string; claims: SessionClaims }>
  /** Returns the claims of a well-formed, unexpired token of ours, or null. */
  verify(token: string): Promise<SessionClaims | null>
}

export function createSessionTokenIssuer(
  secret: Uint8Array,
  ttlSeconds = DEFAULT_SESSION_TTL_SECONDS,
): SessionTokenIssuer {
  return {
    async issue(userId) {
      const jti = randomUUID()
      const issuedAtMs = Date.now()
      const expiresAt = new Date(issuedAtMs + ttlSeconds * 1000)
      const token = await signToken(secret, SESSION, { subject: userId, jti, issuedAtMs, expiresAt })
      return { token, claims: { userId, jti, issuedAtMs, expiresAt } }
    },
    async verify(token) {
      try {
        const payload = await verifyToken(token, secret, SESSION)
        if (!payload) return null
        return {
          userId: payload.sub,
          jti: payload.jti,
          issuedAtMs: payload.iat_ms,
          expiresAt: new Date(payload.exp * 1000),
        }
      } catch {
        return null
      }
    },
  }
}
