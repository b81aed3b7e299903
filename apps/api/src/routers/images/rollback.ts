import { startRollback } from '../../images/image-versions.ts'
import { toRolloutOutput } from '../../images/images-view.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZStartRollbackInput, ZStartRollbackOutput } from './rollback.types.ts'

/** Queues the way back to the image the fleet ran before its last rollout, decky by decky. */
export const startRollbackProcedure = adminProcedure
  .input(ZStartRollbackInput)
  .output(ZStartRollbackOutput)
  .mutation(async ({ ctx, input }) => {
    const rollout = await startRollback(ctx.services, input, ctx.session.user.username)
    ctx.services.images.wake()
    return toRolloutOutput(rollout)
  })
