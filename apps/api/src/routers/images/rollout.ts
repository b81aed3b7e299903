import { startRollout } from '../../images/image-versions.ts'
import { toRolloutOutput } from '../../images/images-view.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZStartRolloutInput, ZStartRolloutOutput } from './rollout.types.ts'

/** Queues the rollout of this machine's decoy image to every host, decky by decky (images/image-versions.ts). */
export const startRolloutProcedure = adminProcedure
  .input(ZStartRolloutInput)
  .output(ZStartRolloutOutput)
  .mutation(async ({ ctx, input }) => {
    const rollout = await startRollout(ctx.services, input, ctx.session.user.username)
    ctx.services.images.wake()
    return toRolloutOutput(rollout)
  })
