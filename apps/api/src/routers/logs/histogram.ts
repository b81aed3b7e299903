import { assertSearchAllowed } from '../../logs/search-rate-limit.ts'
import { timeRange } from '../../logs/time-range.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZHistogramInput, ZHistogramOutput } from './histogram.types.ts'

export const histogramProcedure = viewerProcedure
  .input(ZHistogramInput)
  .output(ZHistogramOutput)
  .query(async ({ ctx, input }) => {
    assertSearchAllowed(ctx)
    const buckets = await ctx.services.db.logs.histogram({
      q: input.q,
      ...timeRange(input),
      bucketMinutes: input.bucketMinutes,
    })
    return { buckets }
  })
