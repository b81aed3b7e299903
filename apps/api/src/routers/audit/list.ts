import { decodeAuditCursor, encodeAuditCursor } from '../../audit/audit-cursor.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZListAuditInput, ZListAuditOutput } from './list.types.ts'

export const listAuditProcedure = adminProcedure
  .input(ZListAuditInput)
  .output(ZListAuditOutput)
  .query(async ({ ctx, input }) => {
    // One more than asked tells whether another page follows.
    const entries = await ctx.services.db.audit.list({
      ...(input.actor ? { actor: input.actor } : {}),
      ...(input.action ? { actionPrefix: input.action } : {}),
      ...(input.target ? { target: input.target } : {}),
      ...(input.since ? { since: new Date(input.since) } : {}),
      ...(input.until ? { until: new Date(input.until) } : {}),
      ...(input.cursor ? { before: decodeAuditCursor(input.cursor) } : {}),
      limit: input.limit + 1,
    })
    const rows = entries.slice(0, input.limit)
    const last = rows.at(-1)
    return {
      rows,
      ...(entries.length > input.limit && last ? { nextCursor: encodeAuditCursor(last) } : {}),
    }
  })
