// Audit: an append-only record of what the system or an operator did outside lifecycle rows.

import { parseObject } from '@decnet/core'
import type { Connection } from '../client.ts'
import type { AuditEntryModel } from '../generated/client/sqlite/models.ts'
import { orderedId } from '../ids.ts'
import type { AuditEntry, AuditEntryInput } from '../types.ts'

/** Entries returned by one list call at most. */
export const MAX_AUDIT_LIST = 500

export function auditRepository(conn: Connection) {
  const { prisma } = conn
  const toEntry = (row: AuditEntryModel): AuditEntry => ({
    ...row,
    detail: parseObject(row.detail),
  })
  return {
    append: (input: AuditEntryInput): Promise<AuditEntry> =>
      conn.run(async () =>
        toEntry(
          await prisma.auditEntry.create({
            data: {
              id: orderedId(),
              at: input.at ?? new Date(),
              actor: input.actor,
              action: input.action,
              target: input.target,
              detail: JSON.stringify(input.detail ?? {}),
            },
          }),
        ),
      ),
    /** Newest first; narrowed to one target and/or some actions. */
    list: (
      filter: { target?: string; actions?: readonly string[]; limit?: number } = {},
    ): Promise<AuditEntry[]> =>
      conn.run(async () =>
        (
          await prisma.auditEntry.findMany({
            where: {
              ...(filter.target !== undefined ? { target: filter.target } : {}),
              ...(filter.actions ? { action: { in: [...filter.actions] } } : {}),
            },
            orderBy: [{ at: 'desc' }, { id: 'desc' }],
            take: Math.min(Math.max(filter.limit ?? 100, 1), MAX_AUDIT_LIST),
          })
        ).map(toEntry),
      ),
  }
}
