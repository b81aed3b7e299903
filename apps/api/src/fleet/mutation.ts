import { pickNewServices } from '@decnet/core'
import type { Decky } from '@decnet/db'
import type { ApiServices } from '../context.ts'
import { cryptoRandom } from '../random.ts'

/**
 * Picks new services with the shared pickNewServices (the scheduled mutator uses the same path),
 * commits them with a mutate lifecycle row, announces the mutation and wakes the runner.
 */
export async function commitMutation(
  services: Pick<ApiServices, 'db' | 'bus' | 'runner'>,
  decky: Decky,
  origin: { trigger: 'operator' | 'schedule'; actor?: string },
): Promise<{ lifecycleId: string; newServices: string[] }> {
  const newServices = pickNewServices(decky, cryptoRandom)
  // Settings of services that stay are kept; a newly added service starts from its defaults.
  const serviceConfig = Object.fromEntries(
    Object.entries(decky.serviceConfig).filter(([slug]) =>
      newServices.includes(slug as (typeof newServices)[number]),
    ),
  )
  const { lifecycleId } = await services.db.fleet.commitMutation(decky.name, newServices, serviceConfig)
  services.bus.publish({
    topic: `decky.${decky.name}.mutation`,
    type: 'mutation',
    payload: { decky: decky.name, oldServices: decky.services, newServices, ...origin },
  })
  services.runner.wake()
  return { lifecycleId, newServices }
}
