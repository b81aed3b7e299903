import { randomBytes } from 'node:crypto'
import type { DecnetDatabase } from '@decnet/db'
import { hashPassword } from '../auth/passwords.ts'

/**
 * On first start (no users at all) creates the first admin with DECNET_ADMIN_PASSWORD or a random
 * one-time password, printed once. Either way it must be changed before anything else.
 */
export async function bootstrapFirstAdmin(
  db: DecnetDatabase,
  { username, password }: { username: string; password: string | undefined },
  print: (line: string) => void = (line) => console.log(line),
): Promise<void> {
  if ((await db.users.count()) > 0) return
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
