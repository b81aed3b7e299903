import { toLogOutput } from '../../logs/log-output.ts'
import { assertSearchAllowed } from '../../logs/search-rate-limit.ts'
import { revealsSecrets } from '../../logs/secret-mask.ts'
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
    return {
      total: result.total,
      rows: result.rows.map((row) => toLogOutput(row, revealsSecrets(ctx.session.user))),
      ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
    }
  })
