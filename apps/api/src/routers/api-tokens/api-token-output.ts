import { ZRole } from '@decnet/core'
import type { ApiTokenRow } from '@decnet/db'
import { z } from 'zod'

/** A token as lists show it: never the token nor its hash. */
export const ZApiToken = z.object({
  id: z.string(),
  name: z.string(),
  role: ZRole,
  prefix: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
})

export function toApiTokenOutput(row: ApiTokenRow): z.infer<typeof ZApiToken> {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  }
}
