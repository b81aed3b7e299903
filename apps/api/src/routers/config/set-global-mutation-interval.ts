import { setGlobalMutationInterval } from '../../settings/mutation-interval.ts'
import { adminProcedure } from '../../trpc.ts'
import {
  ZSetGlobalMutationIntervalInput,
  ZSetGlobalMutationIntervalOutput,
} from './set-global-mutation-interval.types.ts'

export const setGlobalMutationIntervalProcedure = adminProcedure
  .input(ZSetGlobalMutationIntervalInput)
  .output(ZSetGlobalMutationIntervalOutput)
  .mutation(async ({ ctx, input }) => {
    await setGlobalMutationInterval(ctx.services.db, input.interval)
    return {
      message: input.interval
        ? `global mutation interval set to ${input.interval}`
        : 'global mutation interval off',
    }
  })
