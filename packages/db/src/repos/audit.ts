// Audit: an append-only record of what the system or an operator did outside lifecycle rows. There is
// deliberately no update or delete here: nothing in the product can rewrite what was recorded.

import { parseObject } from '@decnet/core'
import type { Connection } from '../client.ts'
import type { Prisma } from '../generated/client/sqlite/client.ts'
import type { AuditEntryModel } from '../generated/client/sqlite/models.ts'
import { orderedId } from '../ids.ts'
import type { AuditEntry, AuditEntryInput } from '../types.ts'

/** Entries returned by one list call at most. */
export const MAX_AUDIT_LIST = 1_000

/** Where a page of the audit log ends: the next page starts strictly after (older than) it. */
export type AuditCursor = { at: Date; id: string }

export type AuditFilter = {
  target?: string
  actor?: string
  /** Exact actions. */
  actions?: readonly string[]
  /** Actions starting with this (e.g. `fleet.` or `users.create`). */
  actionPrefix?: string
  /** Entries at or after `since`, before `until`. */
  since?: Date
  until?: Date
  before?: AuditCursor
  limit?: number
}

function whereOf(filter: AuditFilter): Prisma.AuditEntryWhereInput {
  const and: Prisma.AuditEntryWhereInput[] = []
  if (filter.target !== undefined) and.push({ target: filter.target })
  if (filter.actor !== undefined) and.push({ actor: filter.actor })
  if (filter.actions) and.push({ action: { in: [...filter.actions] } })
  if (filter.actionPrefix) and.push({ action: { startsWith: filter.actionPrefix } })
  if (filter.since) and.push({ at: { gte: filter.since } })
  if (filter.until) and.push({ at: { lt: filter.until } })
  if (filter.before) {
    const { at, id } = filter.before
    and.push({ OR: [{ at: { lt: at } }, { at, id: { lt: id } }] })
  }
  return and.length > 0 ? { AND: and } : {}
}

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
              sourceIp: input.sourceIp ?? null,
              outcome: input.outcome ?? 'ok',
            },
          }),
        ),
      ),
    /** Newest first, narrowed by the filter; `before` continues after a previous page's last entry. */
    list: (filter: AuditFilter = {}): Promise<AuditEntry[]> =>
      conn.read(async (reader) => {
        const limit = Math.min(Math.max(filter.limit ?? 100, 1), MAX_AUDIT_LIST)
        const page = async (before: AuditCursor | undefined) =>
          (
            await reader.prisma.auditEntry.findMany({
              where: whereOf({ ...filter, ...(before ? { before } : {}) }),
              orderBy: [{ at: 'desc' }, { id: 'desc' }],
              take: limit,
            })
          ).map(toEntry)
        const prefix = filter.actionPrefix
        if (!prefix) return page(filter.before)
        // The database's LIKE treats `_` (and on SQLite `%`) in a prefix as wildcards: its matches are a
        // superset, narrowed here to a literal prefix, reading on until the page is full.
        const kept: AuditEntry[] = []
        let before = filter.before
        for (;;) {
          const batch = await page(before)
          kept.push(...batch.filter((entry) => entry.action.startsWith(prefix)))
          const last = batch.at(-1)
          if (kept.length >= limit || batch.length < limit || !last) return kept.slice(0, limit)
          before = { at: last.at, id: last.id }
        }
      }),
  }
}
