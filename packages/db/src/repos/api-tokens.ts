// Integration API tokens: the row behind a `dnt_…` bearer token (its SHA-256 only), scoped to a role.

import type { Role } from '@decnet/core'
import type { Connection } from '../client.ts'
import { pickColumns, toRole } from '../columns.ts'
import { ConflictError, isUniqueViolation } from '../errors.ts'
import type { ApiTokenModel } from '../generated/client/sqlite/models.ts'

export type ApiTokenRow = {
  id: string
  name: string
  role: Role
  prefix: string
  createdBy: string
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

// lastUsedAt is for display ("used 3 min ago"): writing it on every request would turn each read
// into a write, so it is refreshed at most this often.
export const API_TOKEN_LAST_USED_GRANULARITY_MS = 60_000

/** Never returns the hash: nothing that lists tokens can help guess one. */
function toRow(token: ApiTokenModel): ApiTokenRow {
  return {
    ...pickColumns(token, ['id', 'name', 'prefix', 'createdBy', 'createdAt', 'lastUsedAt', 'revokedAt']),
    role: toRole(token.role),
  }
}

export function apiTokensRepository(conn: Connection) {
  const { prisma } = conn
  return {
    async create(input: {
      name: string
      role: Role
      tokenHash: string
      prefix: string
      createdBy: string
    }): Promise<ApiTokenRow> {
      return conn.run(async () => {
        try {
          return toRow(await prisma.apiToken.create({ data: input }))
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new ConflictError(`an API token named "${input.name}" already exists`, [input.name])
          }
          throw error
        }
      })
    },
    /** Newest first, revoked ones included (they stay listed as revoked). */
    list: (): Promise<ApiTokenRow[]> =>
      conn.read(async ({ prisma }) =>
        (await prisma.apiToken.findMany({ orderBy: { createdAt: 'desc' } })).map(toRow),
      ),
    /** The live (unrevoked) token with this hash, or null. */
    findActiveByHash: (tokenHash: string): Promise<ApiTokenRow | null> =>
      conn.read(async ({ prisma }) => {
        const token = await prisma.apiToken.findUnique({ where: { tokenHash } })
        return token && !token.revokedAt ? toRow(token) : null
      }),
    findById: (id: string): Promise<ApiTokenRow | null> =>
      conn.read(async ({ prisma }) => {
        const token = await prisma.apiToken.findUnique({ where: { id } })
        return token ? toRow(token) : null
      }),
    /** Revokes it (idempotent); null when no such token exists. */
    revoke: (id: string, at = new Date()): Promise<ApiTokenRow | null> =>
      conn.run(async () => {
        await prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } })
        const token = await prisma.apiToken.findUnique({ where: { id } })
        return token ? toRow(token) : null
      }),
    /** Records a use, at most once per API_TOKEN_LAST_USED_GRANULARITY_MS. */
    touch: (id: string, at = new Date()): Promise<void> =>
      conn.run(async () => {
        const stale = new Date(at.getTime() - API_TOKEN_LAST_USED_GRANULARITY_MS)
        await prisma.apiToken.updateMany({
          where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: stale } }] },
          data: { lastUsedAt: at },
        })
      }),
  }
}
