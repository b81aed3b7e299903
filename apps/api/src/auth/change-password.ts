import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'
import { assertStrongPassword } from './password-strength.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import { announceSessionChange } from './session-watch.ts'
import type { IssuedSession } from './sign-in.ts'

/**
 * Replaces the user's own password (the current one must be given, the new one differ and be strong).
 * Every token issued before now stops working, the caller's included; it gets the returned new one.
 */
export async function changeOwnPassword(
  services: Pick<ApiServices, 'db' | 'bus' | 'tokens'>,
  userId: string,
  passwords: { oldPassword: string; newPassword: string },
): Promise<IssuedSession> {
  const { db, tokens } = services
  const user = await db.users.findById(userId)
  if (!user || !(await verifyPassword(user.passwordHash, passwords.oldPassword))) {
    throw new AppError('unauthenticated', 'the current password is wrong')
  }
  if (passwords.oldPassword === passwords.newPassword) {
    throw new AppError('invalid_input', 'the new password must differ from the current one')
  }
  assertStrongPassword(passwords.newPassword, [user.username])
  await db.users.update(user.id, {
    passwordHash: await hashPassword(passwords.newPassword),
    mustChangePassword: false,
    tokensValidFrom: new Date(),
  })
  announceSessionChange(services.bus, user.id)
  return tokens.issue(user.id)
}
