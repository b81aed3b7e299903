import { dashboardNow } from '../../dashboard/overview.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZDashboardNowInput, ZDashboardNowOutput } from './now.types.ts'

/** What is happening now, whatever the dashboard's window: deckies under attack, open incidents. */
export const dashboardNowProcedure = viewerProcedure
  .input(ZDashboardNowInput)
  .output(ZDashboardNowOutput)
  .query(({ ctx }) => dashboardNow(ctx.services.db))
