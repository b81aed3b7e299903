import { editDeckyServices } from '../../fleet/operate.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZEditServicesInput, ZEditServicesOutput } from './edit-services.types.ts'

/**
 * Adds or removes services on a running decky and returns; the runner replaces only the changed
 * services' containers (the lifecycle row records the services before and after).
 */
export const editServicesProcedure = adminProcedure
  .input(ZEditServicesInput)
  .output(ZEditServicesOutput)
  .mutation(({ ctx, input }) => editDeckyServices(ctx.services, input, ctx.session.user.username))
