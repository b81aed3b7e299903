import { toLogOutput } from '../../logs/log-output.ts'
import { assertSearchAllowed } from '../../logs/search-rate-limit.ts'
import { timeRange } from '../../logs/time-range.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZSearchLogsInput, ZSearchLogsOutput } from './search.types.ts'

export const searchLogsProcedure = viewerProcedure
  .input(ZSearchLogsInput)
  .output(ZSearchLogsOutput)
  .query(async ({ ctx, input }) => {
    assertSearchAllowed(ctx)
    const result = await ctx.services.db.logs.search({
      q: input.q,
      ...timeRange(input),
      limit: input.limit,
      cursor: input.cursor,
    })
    const reveal = ctx.session.user.role === 'admin'
    return {
      total: result.total,
      rows: result.rows.map((row) => toLogOutput(row, reveal)),
      ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
    }
  })
