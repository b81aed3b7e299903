import { mutateDecky } from '../../fleet/operate.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZMutateInput, ZMutateOutput } from './mutate.types.ts'

/**
 * Commits a mutation (drawn now, or exactly the confirmed `services`) and returns; the runner makes
 * Docker match. The lifecycle row records the services before and after.
 */
export const mutateProcedure = adminProcedure
  .input(ZMutateInput)
  .output(ZMutateOutput)
  .mutation(({ ctx, input }) => mutateDecky(ctx.services, input, ctx.session.user.username))
