import { deployFleet } from '../../fleet/deploy.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZDeployInput, ZDeployOutput } from './deploy.types.ts'

/** Commits the desired state and returns lifecycle ids; the lifecycle runner does the Docker work. */
export const deployProcedure = adminProcedure
  .input(ZDeployInput)
  .output(ZDeployOutput)
  .mutation(({ ctx, input }) => deployFleet(ctx.services, input, ctx.session.user.username))
