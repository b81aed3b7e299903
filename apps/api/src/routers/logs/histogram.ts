import { assertSearchAllowed } from '../../logs/search-rate-limit.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZHistogramInput, ZHistogramOutput } from './histogram.types.ts'

export const histogramProcedure = viewerProcedure
  .input(ZHistogramInput)
  .output(ZHistogramOutput)
  .query(async ({ ctx, input }) => {
    assertSearchAllowed(ctx)
    const buckets = await ctx.services.db.logs.histogram({
      q: input.q,
      from: input.from ? new Date(input.from) : undefined,
      to: input.to ? new Date(input.to) : undefined,
      bucketMinutes: input.bucketMinutes,
    })
    return { buckets }
  })
