import { LOCAL_HOST_ID } from '@decnet/core'
import { publishLifecycleTransition } from '@decnet/lifecycle'
import { TRPCError } from '@trpc/server'
import { serialiseFleetChanges } from '../../fleet/plan.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZDecommissionHostInput, ZDecommissionHostOutput } from './decommission-host.types.ts'

/**
 * Queues teardowns of the host's deckies and marks it decommissioning: no new decky lands there, and
 * once its deckies are gone it is decommissioned. An unreachable host cannot tear anything down: its
 * deckies leave the fleet at once and the host is decommissioned, the message saying what was left.
 */
export const decommissionHostProcedure = adminProcedure
  .input(ZDecommissionHostInput)
  .output(ZDecommissionHostOutput)
  .mutation(({ ctx, input }) =>
    serialiseFleetChanges(async () => {
      const { db, runner, bus } = ctx.services
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
      if (host.status === 'decommissioned' || host.status === 'decommissioning') {
        throw new TRPCError({ code: 'CONFLICT', message: `${host.name} is already ${host.status}` })
      }
      const { lifecycleIds } =
        names.length > 0 ? await db.fleet.commitDeployPlan({ remove: names }) : { lifecycleIds: [] }
      if (host.status === 'unreachable') {
        const reason = `host ${host.name} is unreachable: containers may remain on it`
        for (const row of await db.lifecycle.failHost(host.id, reason)) publishLifecycleTransition(bus, row)
        await db.hosts.setStatus(host.id, 'decommissioned')
        return {
          message: `${host.name} decommissioned while unreachable: ${names.length} deckies removed from the fleet; remove their containers on that machine`,
          lifecycleIds,
        }
      }
      // Retired at once only when nothing at all is left to do there; else when its teardowns are done.
      const unfinished = (await db.lifecycle.listActive()).some((row) => row.hostId === host.id)
      await db.hosts.setStatus(host.id, unfinished ? 'decommissioning' : 'decommissioned')
      runner.wake()
      return { message: `decommissioning ${host.name}: ${names.length} deckies to tear down`, lifecycleIds }
    }),
  )
