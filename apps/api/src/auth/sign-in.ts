import { setTimeout as sleep } from 'node:timers/promises'
import { foldUsername } from '@decnet/db'
import { AppError } from '../app-error.ts'
import type { ApiServices, Session } from '../context.ts'
import { burnPasswordCheck, verifyPassword } from './passwords.ts'
import type { SessionClaims } from './session-token.ts'
import { announceSessionChange } from './session-watch.ts'

// One message for unknown user and wrong password, so the answer does not reveal which usernames exist.
const BAD_CREDENTIALS = 'invalid username or password'

type User = NonNullable<Awaited<ReturnType<ApiServices['db']['users']['findById']>>>
export type IssuedSession = { token: string; claims: SessionClaims }

/**
 * Checks a sign-in under the login limits and issues a session token. The attempt is counted before
 * any hash is checked; only a success gives its slots back.
 */
export async function signIn(
  services: Pick<ApiServices, 'db' | 'tokens'> & { limits: Pick<ApiServices['limits'], 'login'> },
  clientIp: string,
  credentials: { username: string; password: string },
): Promise<IssuedSession & { user: User }> {
  const { db, limits, tokens } = services
  const admission = limits.login.admit(clientIp, foldUsername(credentials.username))
  if (!admission.admitted) {
    throw new AppError(
      'rate_limited',
      `too many failed sign-ins; try again in ${Math.ceil(admission.retryAfterMs / 1000)} s`,
    )
  }
  if (admission.delayMs > 0) await sleep(admission.delayMs)
  const user = await db.users.findByUsername(credentials.username)
  if (!user) {
    await burnPasswordCheck(credentials.password)
    throw new AppError('unauthenticated', BAD_CREDENTIALS)
  }
  if (!(await verifyPassword(user.passwordHash, credentials.password))) {
    throw new AppError('unauthenticated', BAD_CREDENTIALS)
  }
  admission.succeeded()
  return { user, ...(await tokens.issue(user.id)) }
}

/** Revokes this session's token and ends the streams opened with it. */
export async function signOut(services: Pick<ApiServices, 'db' | 'bus'>, session: Session): Promise<void> {
  await services.db.tokens.revoke({ jti: session.jti, userId: session.user.id, expiresAt: session.expiresAt })
  announceSessionChange(services.bus, session.user.id)
}
