import { randomUUID } from 'node:crypto'
import { jwtVerify, SignJWT } from 'jose'

const ISSUER = 'decnet'
const AUDIENCE = 'decnet-api'
const TOKEN_TYPE = 'session'
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
      const token = await new SignJWT({ typ: TOKEN_TYPE, iat_ms: issuedAtMs })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(userId)
        .setJti(jti)
        .setIssuedAt(Math.floor(issuedAtMs / 1000))
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(secret)
      return { token, claims: { userId, jti, issuedAtMs, expiresAt } }
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'jti', 'exp', 'iat'],
        })
        if (payload.typ !== TOKEN_TYPE || typeof payload.iat_ms !== 'number') return null
        if (!payload.sub || !payload.jti || !payload.exp) return null
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
