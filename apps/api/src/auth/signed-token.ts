// DECNET's own JWTs (HS256 with the session secret): issuer `decnet`, one audience and `typ` per kind
// (a session is never a download ticket and the reverse), the user as subject, a unique id, and the
// issue time also in milliseconds (`iat_ms`), which bulk revocation compares.
import { type JWTPayload, jwtVerify, SignJWT } from 'jose'

const ISSUER = 'decnet'

export type TokenKind = { audience: string; type: string }

/** The claims every token of ours carries once verified. */
export type VerifiedClaims = JWTPayload & { sub: string; jti: string; exp: number; iat_ms: number }

export function signToken(
  secret: Uint8Array,
  kind: TokenKind,
  token: { subject: string; jti: string; issuedAtMs: number; expiresAt: Date; claims?: JWTPayload },
): Promise<string> {
  return new SignJWT({ typ: kind.type, ...token.claims, iat_ms: token.issuedAtMs })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(kind.audience)
    .setSubject(token.subject)
    .setJti(token.jti)
    .setIssuedAt(Math.floor(token.issuedAtMs / 1000))
    .setExpirationTime(Math.floor(token.expiresAt.getTime() / 1000))
    .sign(secret)
}

/**
 * The claims of a well-formed token of `kind`, or null when it is another kind or lacks one of ours.
 * Throws what jose throws for a bad signature or an expired token (ERR_JWT_EXPIRED), for callers
 * that tell the two apart.
 */
export async function verifyToken(
  token: string,
  secret: Uint8Array,
  kind: TokenKind,
): Promise<VerifiedClaims | null> {
  const { payload } = await jwtVerify(token, secret, {
    issuer: ISSUER,
    audience: kind.audience,
    algorithms: ['HS256'],
    requiredClaims: ['sub', 'jti', 'exp', 'iat'],
  })
  if (payload.typ !== kind.type || typeof payload.iat_ms !== 'number') return null
  if (!payload.sub || !payload.jti || !payload.exp) return null
  return payload as VerifiedClaims
}
