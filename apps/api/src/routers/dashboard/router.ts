import { router } from '../../trpc.ts'
import { dashboardNowProcedure } from './now.ts'
import { dashboardOverviewProcedure } from './overview.ts'

export const dashboardRouter = router({ overview: dashboardOverviewProcedure, now: dashboardNowProcedure })
