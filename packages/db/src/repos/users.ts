// Users and revoked tokens.

import type { Role } from '@decnet/core'
import type { Connection } from '../client.ts'
import { pickColumns, toRole } from '../columns.ts'
import { ConflictError, isUniqueViolation, NotFoundError } from '../errors.ts'
import type { UserModel } from '../generated/client/sqlite/models.ts'
import type { AuthUser, UserRow } from '../types.ts'

type UserRecord = Pick<
  UserModel,
  'id' | 'username' | 'passwordHash' | 'role' | 'mustChangePassword' | 'tokensValidFrom' | 'createdAt'
>

/**
 * The case-insensitive identity of a username: ASCII letters folded to lower case, exactly as SQL
 * lower() folds them on both databases (usernames are ASCII; anything else is left as is).
 */
export function foldUsername(username: string): string {
  return username.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
}

/** Only the API.md PublicUser fields: a password hash can never leak through this shape. */
export function toPublicUser(user: UserRecord): UserRow {
  return {
    ...pickColumns(user, ['id', 'username', 'mustChangePassword', 'createdAt']),
    role: toRole(user.role),
  }
}

const toAuthUser = (user: UserRecord): AuthUser => ({
  ...toPublicUser(user),
  ...pickColumns(user, ['passwordHash', 'tokensValidFrom']),
})

export function usersRepository(conn: Connection) {
  const { prisma } = conn
  return {
    async create(input: {
      username: string
      passwordHash: string
      role: Role
      mustChangePassword: boolean
    }): Promise<UserRow> {
      return conn.run(async () => {
        try {
          return toPublicUser(
            await prisma.user.create({ data: { ...input, usernameKey: foldUsername(input.username) } }),
          )
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new ConflictError(
              `user "${input.username}" already exists (usernames are unique regardless of case)`,
              [input.username],
            )
          }
          throw error
        }
      })
    },
    list: (): Promise<UserRow[]> =>
      conn.read(async ({ prisma }) =>
        (await prisma.user.findMany({ orderBy: { createdAt: 'asc' } })).map(toPublicUser),
      ),
    count: (): Promise<number> => conn.read(({ prisma }) => prisma.user.count()),
    countAdmins: (): Promise<number> =>
      conn.read(({ prisma }) => prisma.user.count({ where: { role: 'admin' } })),
    findById: (id: string): Promise<AuthUser | null> =>
      conn.read(async ({ prisma }) => {
        const user = await prisma.user.findUnique({ where: { id } })
        return user ? toAuthUser(user) : null
      }),
    /** Case-insensitive: `Admin` finds `admin`. */
    findByUsername: (username: string): Promise<AuthUser | null> =>
      conn.read(async ({ prisma }) => {
        const user = await prisma.user.findUnique({ where: { usernameKey: foldUsername(username) } })
        return user ? toAuthUser(user) : null
      }),
    async update(
      id: string,
      changes: Partial<{
        passwordHash: string
        role: Role
        mustChangePassword: boolean
        tokensValidFrom: Date | null
      }>,
    ): Promise<UserRow> {
      return conn.run(async () => {
        const result = await prisma.user.updateMany({ where: { id }, data: changes })
        if (result.count === 0) throw new NotFoundError(`user ${id} not found`)
        return toPublicUser(await prisma.user.findUniqueOrThrow({ where: { id } }))
      })
    },
    delete: (id: string): Promise<boolean> =>
      conn.run(async () => (await prisma.user.deleteMany({ where: { id } })).count > 0),
  }
}

export function tokensRepository(conn: Connection) {
  const { prisma } = conn
  return {
    /** Revoking twice is not an error (logout may be retried). */
    revoke: (input: { jti: string; userId: string; expiresAt: Date }): Promise<void> =>
      conn.run(async () => {
        await prisma.revokedToken.upsert({ where: { jti: input.jti }, create: input, update: {} })
      }),
    /**
     * Marks a single-use token spent: true the first time, false ever after (the insert is atomic, so
     * two processes racing on one token cannot both win).
     */
    consume: (input: { jti: string; userId: string; expiresAt: Date }): Promise<boolean> =>
      conn.run(async () => {
        try {
          await prisma.revokedToken.create({ data: input })
          return true
        } catch (error) {
          if (isUniqueViolation(error)) return false
          throw error
        }
      }),
    isRevoked: (jti: string): Promise<boolean> =>
      conn.read(async ({ prisma }) => (await prisma.revokedToken.count({ where: { jti } })) > 0),
    /** Expired tokens are rejected on their own; their revocation records can go. */
    purgeExpired: (now = new Date()): Promise<number> =>
      conn.run(
        async () => (await prisma.revokedToken.deleteMany({ where: { expiresAt: { lt: now } } })).count,
      ),
  }
}
