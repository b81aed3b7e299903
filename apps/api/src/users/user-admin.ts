import type { Role } from '@decnet/core'
import { AppError } from '../app-error.ts'
import { assertStrongPassword } from '../auth/password-strength.ts'
import { hashPassword } from '../auth/passwords.ts'
import { announceSessionChange } from '../auth/session-watch.ts'
import type { ApiServices } from '../context.ts'
import { createSerialQueue } from '../serial.ts'

/** What user administration needs: the users table, and the bus that ends a changed user's streams. */
export type UserAdminServices = Pick<ApiServices, 'db' | 'bus'>
type User = NonNullable<Awaited<ReturnType<ApiServices['db']['users']['findById']>>>
type PublicUser = Awaited<ReturnType<ApiServices['db']['users']['create']>>

// Role changes and deletions are serialised so two concurrent calls can never both pass the
// "at least one admin remains" check (this process owns the users it serves).
const serialiseUserAdmin = createSerialQueue()

/** The user with this id, or NOT_FOUND. */
export async function requireUser(db: ApiServices['db'], id: string): Promise<User> {
  const user = await db.users.findById(id)
  if (!user) throw new AppError('not_found', `no user with id ${id}`)
  return user
}

/** Refuses acting on yourself and removing the last admin; returns the target user. */
async function assertMayRemoveAdminRights(
  db: ApiServices['db'],
  actorId: string,
  id: string,
  action: 'delete' | 'demote',
): Promise<User> {
  if (id === actorId) throw new AppError('forbidden', `you cannot ${action} your own account`)
  const target = await requireUser(db, id)
  if (target.role === 'admin' && (await db.users.countAdmins()) <= 1) {
    throw new AppError('conflict', `cannot ${action} the last admin`)
  }
  return target
}

/** A new user with a password the admin chose, so they must replace it at first sign-in. */
export async function createUser(
  services: Pick<ApiServices, 'db'>,
  input: { username: string; password: string; role: Role },
): Promise<PublicUser> {
  assertStrongPassword(input.password, [input.username])
  return services.db.users.create({
    username: input.username,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    mustChangePassword: true,
  })
}

/** Deletes another user (never yourself, never the last admin); their sessions end. */
export function deleteUser(services: UserAdminServices, actorId: string, id: string): Promise<User> {
  return serialiseUserAdmin(async () => {
    const target = await assertMayRemoveAdminRights(services.db, actorId, id, 'delete')
    await services.db.users.delete(target.id)
    announceSessionChange(services.bus, target.id)
    return target
  })
}

/**
 * Gives another user a role (demoting never leaves no admin). Their sessions end so the new role
 * applies from their next sign-in.
 */
export function setRole(services: UserAdminServices, actorId: string, id: string, role: Role): Promise<User> {
  return serialiseUserAdmin(async () => {
    const target =
      role === 'admin'
        ? await requireUser(services.db, id)
        : await assertMayRemoveAdminRights(services.db, actorId, id, 'demote')
    if (target.id === actorId) throw new AppError('forbidden', 'you cannot change your own role')
    await services.db.users.update(target.id, { role, tokensValidFrom: new Date() })
    announceSessionChange(services.bus, target.id)
    return target
  })
}

/** Sets a one-time password the user must change at next sign-in; their sessions end. */
export async function resetPassword(
  services: UserAdminServices,
  id: string,
  newPassword: string,
): Promise<User> {
  const target = await requireUser(services.db, id)
  assertStrongPassword(newPassword, [target.username])
  await services.db.users.update(target.id, {
    passwordHash: await hashPassword(newPassword),
    mustChangePassword: true,
    tokensValidFrom: new Date(),
  })
  announceSessionChange(services.bus, target.id)
  return target
}
