import { LOCAL_HOST_ID } from '@decnet/core'
import { publishLifecycleTransition } from '@decnet/lifecycle'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'
import { serialiseFleetChanges } from '../fleet/plan.ts'
import { hostAnswering } from '../workers/host-workers.ts'
import { recordLeftovers } from './leftovers.ts'

/**
 * Queues teardowns of the host's deckies and marks it decommissioning: no new decky lands there, and
 * once they are gone (and the host swept clean) it is decommissioned. A host that does not answer cannot
 * tear anything down: its deckies leave the fleet at once and it is decommissioned as it is, with what was
 * left recorded (audit log, shown by hosts.get) and swept if it ever answers again. Asking again while a
 * decommission is stuck on a silent host does the same.
 */
export function decommissionHost(
  services: Pick<ApiServices, 'db' | 'runner' | 'bus' | 'secrets' | 'config'>,
  id: string,
  actor: string,
): Promise<{ message: string; lifecycleIds: string[] }> {
  return serialiseFleetChanges(async () => {
    const { db, runner, bus } = services
    if (id === LOCAL_HOST_ID) {
      throw new AppError('invalid_input', 'the built-in local host cannot be decommissioned')
    }
    const host = await db.hosts.get(id)
    if (!host) throw new AppError('not_found', `no host with id ${id}`)
    if (host.status === 'decommissioned') {
      throw new AppError('conflict', `${host.name} is already decommissioned`)
    }
    // Silent: unreachable, or decommissioning but no heartbeat answered for 3 periods, or not driven
    // at all (no DECNET_SECRET_KEY to open its TLS material). Nothing can be torn down there.
    const silent =
      !services.secrets ||
      host.status === 'unreachable' ||
      (host.status === 'decommissioning' && !hostAnswering(host, services.config.hostHeartbeatMs))
    if (host.status === 'decommissioning' && !silent) {
      throw new AppError(
        'conflict',
        `${host.name} is already being decommissioned (it answers; its clean-up is under way)`,
      )
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
      await recordLeftovers(db, actor, host, deckies)
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
  })
}
