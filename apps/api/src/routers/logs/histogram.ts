import { serviceSeries } from '../../logs/histogram-series.ts'
import { assertSearchAllowed } from '../../logs/search-rate-limit.ts'
import { timeRange } from '../../logs/time-range.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZHistogramInput, ZHistogramOutput } from './histogram.types.ts'

/** Matches per time bucket, split per service (one grouped query), for the stacked chart. */
export const histogramProcedure = viewerProcedure
  .input(ZHistogramInput)
  .output(ZHistogramOutput)
  .query(async ({ ctx, input }) => {
    assertSearchAllowed(ctx)
    const rows = await ctx.services.db.logs.histogram({
      q: input.q,
      ...timeRange(input),
      bucketMinutes: input.bucketMinutes,
      byService: true,
    })
    return serviceSeries(rows)
  })
