import { DecnetError, LOCAL_HOST_ID, quote } from '@decnet/core'
import { serialiseFleetChanges } from '../../fleet/plan.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZRepairInput, ZRepairOutput } from './repair.types.ts'

/**
 * Queues a `repair` of one decky (its recorded spec converged again: exited or missing containers
 * recreated, a base off its network recreated with its services, readiness probed) and returns; the
 * runner does the Docker work. Whatever the decky's state: an operator may repair a running one too.
 */
export const repairProcedure = adminProcedure
  .input(ZRepairInput)
  .output(ZRepairOutput)
  .mutation(({ ctx, input }) =>
    serialiseFleetChanges(async () => {
      const { db, runner, secrets } = ctx.services
      const decky = await db.fleet.get(input.name)
      if (!decky) throw new DecnetError('not_found', `no decky named ${quote(input.name)}`)
      if (decky.hostId !== LOCAL_HOST_ID) {
        // A repair on a host nothing drives (or that does not answer) could only wait or fail.
        const host = await db.hosts.get(decky.hostId)
        if (!secrets || host?.status !== 'active') {
          const why = secrets
            ? `which is ${host?.status ?? 'gone'}`
            : 'which is not driven without DECNET_SECRET_KEY'
          throw new DecnetError(
            'conflict',
            `${decky.name} is on host ${quote(host?.name ?? decky.hostId)}, ${why}; repair it once the host answers`,
          )
        }
      }
      const { lifecycleId } = await db.fleet.commitRepair(decky.name, {
        trigger: 'operator',
        actor: ctx.session.user.username,
      })
      runner.wake()
      return { message: `${decky.name} repair queued`, lifecycleId }
    }),
  )
