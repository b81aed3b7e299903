import { writeDeploymentLimit } from '../../settings/settings.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZSetDeploymentLimitInput, ZSetDeploymentLimitOutput } from './set-deployment-limit.types.ts'

export const setDeploymentLimitProcedure = adminProcedure
  .input(ZSetDeploymentLimitInput)
  .output(ZSetDeploymentLimitOutput)
  .mutation(async ({ ctx, input }) => {
    await writeDeploymentLimit(ctx.services.db, input.deploymentLimit)
    return { message: `deployment limit set to ${input.deploymentLimit} deckies` }
  })
