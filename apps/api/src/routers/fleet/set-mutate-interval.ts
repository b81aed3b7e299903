import { checkInterval, DecnetError } from '@decnet/core'
import { adminProcedure } from '../../trpc.ts'
import { ZSetMutateIntervalInput, ZSetMutateIntervalOutput } from './set-mutate-interval.types.ts'

export const setMutateIntervalProcedure = adminProcedure
  .input(ZSetMutateIntervalInput)
  .output(ZSetMutateIntervalOutput)
  .mutation(async ({ ctx, input }) => {
    let minutes: number | null = null
    if (input.interval !== null) {
      const checked = checkInterval(input.interval)
      if (!checked.ok) throw new DecnetError('invalid_input', `interval: ${checked.reason}`)
      minutes = checked.minutes
    }
    await ctx.services.db.fleet.setMutateInterval(input.name, minutes)
    return {
      message: input.interval
        ? `${input.name} mutates every ${input.interval}`
        : `${input.name} follows the global mutation interval`,
    }
  })
