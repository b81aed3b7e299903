import { TRPCError } from '@trpc/server'
import { commitMutation } from '../../fleet/mutation.ts'
import { serialiseFleetChanges } from '../../fleet/plan.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZMutateInput, ZMutateOutput } from './mutate.types.ts'

export const mutateProcedure = adminProcedure
  .input(ZMutateInput)
  .output(ZMutateOutput)
  .mutation(({ ctx, input }) =>
    serialiseFleetChanges(async () => {
      const decky = await ctx.services.db.fleet.get(input.name)
      if (!decky) throw new TRPCError({ code: 'NOT_FOUND', message: `no decky named ${input.name}` })
      const { lifecycleId, newServices } = await commitMutation(ctx.services, decky, {
        trigger: 'operator',
        actor: ctx.session.user.username,
      })
      return { message: `${decky.name} mutating to ${newServices.join(', ')}`, lifecycleIds: [lifecycleId] }
    }),
  )
