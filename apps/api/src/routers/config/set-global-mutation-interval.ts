import { checkInterval, DecnetError } from '@decnet/core'
import { writeGlobalMutationInterval } from '../../settings/settings.ts'
import { adminProcedure } from '../../trpc.ts'
import {
  ZSetGlobalMutationIntervalInput,
  ZSetGlobalMutationIntervalOutput,
} from './set-global-mutation-interval.types.ts'

export const setGlobalMutationIntervalProcedure = adminProcedure
  .input(ZSetGlobalMutationIntervalInput)
  .output(ZSetGlobalMutationIntervalOutput)
  .mutation(async ({ ctx, input }) => {
    if (input.interval !== null) {
      const checked = checkInterval(input.interval)
      if (!checked.ok) throw new DecnetError('invalid_input', `interval: ${checked.reason}`)
    }
    await writeGlobalMutationInterval(ctx.services.db, input.interval)
    return {
      message: input.interval
        ? `global mutation interval set to ${input.interval}`
        : 'global mutation interval off',
    }
  })
