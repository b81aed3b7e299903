import { dashboardOverview } from '../../dashboard/overview.ts'
import { revealsSecrets } from '../../logs/secret-mask.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZDashboardOverviewInput, ZDashboardOverviewOutput } from './overview.types.ts'

/** The overview dashboard's figures over one time window (attack traffic only). */
export const dashboardOverviewProcedure = viewerProcedure
  .input(ZDashboardOverviewInput)
  .output(ZDashboardOverviewOutput)
  .query(({ ctx, input }) => dashboardOverview(ctx.services.db, input, revealsSecrets(ctx.session.user)))
