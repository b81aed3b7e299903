// Integration API tokens: `dnt_<43 base64url chars>` (256 random bits), sent as `Authorization: Bearer`.
// The database keeps only their SHA-256 (a token is high-entropy, so a fast hash suffices), and every
// request looks the hash up again: revoking a token ends its access with the very next request.

import { createHash, randomBytes } from 'node:crypto'
import type { Role } from '@decnet/core'
import type { ApiTokenRow } from '@decnet/db'
import { AppError } from '../app-error.ts'
import type { ApiServices, Session, SessionUser } from '../context.ts'
import { announceSessionChange } from './session-watch.ts'

export const API_TOKEN_PREFIX = 'dnt_'
const TOKEN_BYTES = 32
/** Characters of a token kept in clear to recognise it in lists: the prefix and 8 more. */
const SHOWN_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 8
const PRINCIPAL_PREFIX = 'apitoken:'
// A token has no expiry of its own; a session built from it is re-checked on every request, and live
// streams opened with it are re-checked on the bus and timers like any session's, within this horizon.
const TOKEN_SESSION_HORIZON_MS = 24 * 60 * 60 * 1000

export const isApiToken = (token: string): boolean => token.startsWith(API_TOKEN_PREFIX)

const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex')

/** The principal id a token acts as (never a user id: no user-only procedure can match it). */
export const apiTokenPrincipalId = (tokenId: string): string => `${PRINCIPAL_PREFIX}${tokenId}`

/** The token id behind a principal id, or undefined for a user's id. */
export const tokenIdOfPrincipal = (principalId: string): string | undefined =>
  principalId.startsWith(PRINCIPAL_PREFIX) ? principalId.slice(PRINCIPAL_PREFIX.length) : undefined

function principalOf(token: ApiTokenRow): SessionUser {
  return {
    id: apiTokenPrincipalId(token.id),
    // The audit log names the token, never a person.
    username: `token:${token.name}`,
    role: token.role,
    mustChangePassword: false,
    createdAt: token.createdAt,
  }
}

/** A live token's principal by principal id (exports re-check it when a download starts), or null. */
export async function activeTokenPrincipal(
  services: Pick<ApiServices, 'db'>,
  principalId: string,
): Promise<SessionUser | null> {
  const tokenId = tokenIdOfPrincipal(principalId)
  if (!tokenId) return null
  const token = await services.db.apiTokens.findById(tokenId)
  return token && !token.revokedAt ? principalOf(token) : null
}

/** The session of a live API token, or null (unknown, revoked, malformed). */
export async function resolveApiTokenSession(
  services: Pick<ApiServices, 'db'>,
  token: string,
  now = new Date(),
): Promise<Session | null> {
  if (!isApiToken(token)) return null
  const row = await services.db.apiTokens.findActiveByHash(hashToken(token))
  if (!row) return null
  // Best effort: a failed "last used" write must not refuse the call.
  await services.db.apiTokens.touch(row.id, now).catch(() => undefined)
  return {
    user: principalOf(row),
    jti: apiTokenPrincipalId(row.id),
    issuedAtMs: row.createdAt.getTime(),
    expiresAt: new Date(now.getTime() + TOKEN_SESSION_HORIZON_MS),
    apiTokenId: row.id,
  }
}

/** Creates a token; the returned `token` is the only time it exists outside the caller's hands. */
export async function createApiToken(
  services: Pick<ApiServices, 'db'>,
  input: { name: string; role: Role },
  createdBy: string,
): Promise<{ token: string; row: ApiTokenRow }> {
  const token = `${API_TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`
  const row = await services.db.apiTokens.create({
    name: input.name,
    role: input.role,
    tokenHash: hashToken(token),
    prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
    createdBy,
  })
  return { token, row }
}

/** Revokes a token: its next request is refused and its open live streams end now. */
export async function revokeApiToken(
  services: Pick<ApiServices, 'db' | 'bus'>,
  id: string,
): Promise<ApiTokenRow> {
  const row = await services.db.apiTokens.revoke(id)
  if (!row) throw new AppError('not_found', `no API token with id ${id}`)
  announceSessionChange(services.bus, apiTokenPrincipalId(id))
  return row
}

/** API tokens act for integrations, not people: they have no password and no sign-in to end. */
export function assertPersonSession(session: Session, what: string): void {
  if (session.apiTokenId) {
    throw new AppError('forbidden', `an API token cannot ${what}; an admin revokes it (apiTokens.revoke)`)
  }
}
