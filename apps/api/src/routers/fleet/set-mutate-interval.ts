import { setDeckyMutateInterval } from '../../settings/mutation-interval.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZSetMutateIntervalInput, ZSetMutateIntervalOutput } from './set-mutate-interval.types.ts'

export const setMutateIntervalProcedure = adminProcedure
  .input(ZSetMutateIntervalInput)
  .output(ZSetMutateIntervalOutput)
  .mutation(async ({ ctx, input }) => {
    await setDeckyMutateInterval(ctx.services.db, input.name, input.interval)
    return {
      message: input.interval
        ? `${input.name} mutates every ${input.interval}`
        : `${input.name} follows the global mutation interval`,
    }
  })
