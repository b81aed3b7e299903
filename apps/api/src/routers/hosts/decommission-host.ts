import { LOCAL_HOST_ID } from '@decnet/core'
import { TRPCError } from '@trpc/server'
import { serialiseFleetChanges } from '../../fleet/plan.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZDecommissionHostInput, ZDecommissionHostOutput } from './decommission-host.types.ts'

/** Queues teardowns of the host's deckies, then marks it decommissioning; no new decky lands there. */
export const decommissionHostProcedure = adminProcedure
  .input(ZDecommissionHostInput)
  .output(ZDecommissionHostOutput)
  .mutation(({ ctx, input }) =>
    serialiseFleetChanges(async () => {
      const { db, runner } = ctx.services
      if (input.id === LOCAL_HOST_ID) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: 'the built-in local host cannot be decommissioned',
        })
      }
      const host = await db.hosts.get(input.id)
      if (!host) throw new TRPCError({ code: 'NOT_FOUND', message: `no host with id ${input.id}` })
      const names = (await db.fleet.list())
        .filter((decky) => decky.hostId === host.id)
        .map((decky) => decky.name)
      const { lifecycleIds } =
        names.length > 0 ? await db.fleet.commitDeployPlan({ remove: names }) : { lifecycleIds: [] }
      await db.hosts.setStatus(host.id, 'decommissioning')
      runner.wake()
      return { message: `decommissioning ${host.name}: ${names.length} deckies to tear down`, lifecycleIds }
    }),
  )
