import { LOCAL_HOST_ID } from '@decnet/core'
import { publishLifecycleTransition } from '@decnet/lifecycle'
import { TRPCError } from '@trpc/server'
import { serialiseFleetChanges } from '../../fleet/plan.ts'
import { recordLeftovers } from '../../hosts/leftovers.ts'
import { adminProcedure } from '../../trpc.ts'
import { hostAnswering } from '../../workers/host-workers.ts'
import { ZDecommissionHostInput, ZDecommissionHostOutput } from './decommission-host.types.ts'

/**
 * Queues teardowns of the host's deckies and marks it decommissioning: no new decky lands there, and
 * once they are gone (and the host swept clean) it is decommissioned. A host that does not answer cannot
 * tear anything down: its deckies leave the fleet at once and it is decommissioned as it is, with what was
 * left recorded (audit log, shown by hosts.get) and swept if it ever answers again. Asking again while a
 * decommission is stuck on a silent host does the same.
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
      if (host.status === 'decommissioned') {
        throw new TRPCError({ code: 'CONFLICT', message: `${host.name} is already decommissioned` })
      }
      // Silent: unreachable, or decommissioning but no heartbeat answered for 3 periods, or not driven
      // at all (no DECNET_SECRET_KEY to open its TLS material). Nothing can be torn down there.
      const silent =
        !ctx.services.secrets ||
        host.status === 'unreachable' ||
        (host.status === 'decommissioning' && !hostAnswering(host, ctx.services.config.hostHeartbeatMs))
      if (host.status === 'decommissioning' && !silent) {
        throw new TRPCError({
          code: 'CONFLICT',
          message: `${host.name} is already being decommissioned (it answers; its clean-up is under way)`,
        })
      }
      const deckies = (await db.fleet.list()).filter((decky) => decky.hostId === host.id)
      const names = deckies.map((decky) => decky.name)
      if (silent) {
        // Nothing can be torn down there: the deckies leave the fleet, what was left is recorded (hosts.get
        // shows it) and swept if the host ever answers again.
        const { lifecycleIds } =
          names.length > 0 ? await db.fleet.commitDeployPlan({ forget: names }) : { lifecycleIds: [] }
        const reason = `host ${host.name} does not answer: its containers remain on it until it answers again`
        for (const row of await db.lifecycle.failHost(host.id, reason)) publishLifecycleTransition(bus, row)
        await recordLeftovers(db, ctx.session.user.username, host, deckies)
        await db.hosts.setStatus(host.id, 'decommissioned')
        return {
          message: `${host.name} decommissioned without answering: ${names.length} deckies removed from the fleet; their containers are listed on the host and swept if it answers again`,
          lifecycleIds,
        }
      }
      const { lifecycleIds } =
        names.length > 0 ? await db.fleet.commitDeployPlan({ remove: names }) : { lifecycleIds: [] }
      // Retired once its teardowns are done and whatever of ours is left there is swept away.
      await db.hosts.setStatus(host.id, 'decommissioning')
      runner.wake()
      return { message: `decommissioning ${host.name}: ${names.length} deckies to tear down`, lifecycleIds }
    }),
  )
