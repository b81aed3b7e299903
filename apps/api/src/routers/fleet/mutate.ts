import { LOCAL_HOST_ID } from '@decnet/core'
import { commitMutation } from '@decnet/lifecycle'
import { TRPCError } from '@trpc/server'
import { serialiseFleetChanges } from '../../fleet/plan.ts'
import { cryptoRandom } from '../../random.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZMutateInput, ZMutateOutput } from './mutate.types.ts'

export const mutateProcedure = adminProcedure
  .input(ZMutateInput)
  .output(ZMutateOutput)
  .mutation(({ ctx, input }) =>
    serialiseFleetChanges(async () => {
      const decky = await ctx.services.db.fleet.get(input.name)
      if (!decky) throw new TRPCError({ code: 'NOT_FOUND', message: `no decky named ${input.name}` })
      const { db, bus, runner } = ctx.services
      if (decky.hostId !== LOCAL_HOST_ID) {
        // On a host that does not answer (or that nothing drives: no DECNET_SECRET_KEY), a mutation
        // could only fail or wait forever: say so now.
        const host = await db.hosts.get(decky.hostId)
        if (!ctx.services.secrets) {
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: `${decky.name} is on enrolled host ${host?.name ?? decky.hostId}, which is not driven without DECNET_SECRET_KEY`,
          })
        }
        if (host?.status !== 'active') {
          throw new TRPCError({
            code: 'CONFLICT',
            message: `${decky.name} is on host ${host?.name ?? decky.hostId}, which is ${host?.status ?? 'gone'}; mutate it once the host answers`,
          })
        }
      }
      // The same commit the scheduled mutator makes (shared pickNewServices).
      const { lifecycleId, newServices } = await commitMutation(
        { db, bus, wake: () => runner.wake() },
        decky,
        { trigger: 'operator', actor: ctx.session.user.username },
        cryptoRandom,
      )
      return { message: `${decky.name} mutating to ${newServices.join(', ')}`, lifecycleIds: [lifecycleId] }
    }),
  )
