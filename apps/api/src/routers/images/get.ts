import { requireRollout } from '../../images/image-versions.ts'
import { toRolloutOutput } from '../../images/images-view.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZGetImageRolloutInput, ZGetImageRolloutOutput } from './get.types.ts'

/** One push, rollout or rollback with its per-host progress (bytes sent, deckies upgraded). */
export const getImageRolloutProcedure = adminProcedure
  .input(ZGetImageRolloutInput)
  .output(ZGetImageRolloutOutput)
  .query(async ({ ctx, input }) => toRolloutOutput(await requireRollout(ctx.services.db, input.id)))
