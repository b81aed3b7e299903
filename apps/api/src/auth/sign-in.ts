import { setTimeout as sleep } from 'node:timers/promises'
import { foldUsername } from '@decnet/db'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'
import { burnPasswordCheck, verifyPassword } from './passwords.ts'
import type { SessionClaims } from './session-token.ts'

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
