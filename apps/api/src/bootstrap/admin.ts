import { randomBytes } from 'node:crypto'
import type { DecnetDatabase } from '@decnet/db'
import { passwordWeakness } from '../auth/password-strength.ts'
import { hashPassword } from '../auth/passwords.ts'

/**
 * On first start (no users at all) creates the first admin with DECNET_ADMIN_PASSWORD or a random
 * one-time password, printed once. Either way it must be changed before anything else.
 * A weak DECNET_ADMIN_PASSWORD stops the start-up with the reason: the account it would create is
 * the most valuable one, and it is reachable until that first sign-in.
 */
export async function bootstrapFirstAdmin(
  db: DecnetDatabase,
  { username, password }: { username: string; password: string | undefined },
  print: (line: string) => void = (line) => console.log(line),
): Promise<void> {
  if ((await db.users.count()) > 0) return
  const weakness = password === undefined ? null : passwordWeakness(password, [username])
  if (weakness) {
    throw new Error(
      `DECNET_ADMIN_PASSWORD is refused (${weakness}); set a stronger one, or unset it to get a random one-time password`,
    )
  }
  const oneTimePassword = password ?? randomBytes(12).toString('base64url')
  await db.users.create({
    username,
    passwordHash: await hashPassword(oneTimePassword),
    role: 'admin',
    mustChangePassword: true,
  })
  if (password) {
    print(`decnet: created admin "${username}" with DECNET_ADMIN_PASSWORD; change it at first sign-in`)
  } else {
    print(`decnet: created admin "${username}" with one-time password: ${oneTimePassword}`)
    print('decnet: it is shown only now; you must change it at first sign-in')
  }
}
