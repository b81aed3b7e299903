import { router } from '../../trpc.ts'
import { logFieldsProcedure } from './fields.ts'
import { histogramProcedure } from './histogram.ts'
import { liveLogsProcedure } from './live.ts'
import { searchLogsProcedure } from './search.ts'

export const logsRouter = router({
  search: searchLogsProcedure,
  histogram: histogramProcedure,
  live: liveLogsProcedure,
  fields: logFieldsProcedure,
})
