import { exportFleet } from '../../fleet/export.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZExportFleetInput, ZExportFleetOutput } from './export.types.ts'

/** Secret service settings are written for admins only (they could deploy them anyway). */
export const exportFleetProcedure = viewerProcedure
  .input(ZExportFleetInput)
  .output(ZExportFleetOutput)
  .query(({ ctx, input }) =>
    exportFleet(ctx.services, {
      includeSecrets: ctx.session.user.role === 'admin' && !input?.omitSecrets,
    }),
  )
