import { type EditServicesRequest, editServices, type MutateRequest, type ServiceSlug } from '@decnet/core'
import { commitMutation } from '@decnet/lifecycle'
import type { ApiServices } from '../context.ts'
import { cryptoRandom } from '../random.ts'
import { assertDeckyHostCanOperate, requireDecky } from './decky-lookup.ts'
import { assertEngineRunsCustomServices, serialiseFleetChanges } from './plan.ts'

type OperateServices = Pick<ApiServices, 'db' | 'bus' | 'runner' | 'secrets'>

/**
 * An operator's mutation of one decky: the same commit the scheduled mutator makes. Without `services`
 * they are drawn now (shared pickNewServices); with them exactly that set is committed once it passes the
 * draw's rules, and with `expectedServices` only while the decky still runs the set the operator saw.
 */
export function mutateDecky(
  services: OperateServices,
  request: MutateRequest,
  actor: string,
): Promise<{
  message: string
  lifecycleIds: [string]
  oldServices: ServiceSlug[]
  newServices: ServiceSlug[]
}> {
  return serialiseFleetChanges(async () => {
    const { db, bus, runner } = services
    const decky = await requireDecky(db, request.name)
    await assertDeckyHostCanOperate(services, decky, 'mutate')
    const { lifecycleId, oldServices, newServices } = await commitMutation(
      { db, bus, wake: () => runner.wake() },
      decky,
      { trigger: 'operator', actor },
      cryptoRandom,
      {
        ...(request.services ? { services: request.services } : {}),
        ...(request.expectedServices ? { expectedServices: request.expectedServices } : {}),
      },
    )
    return {
      message: `${decky.name} mutating from ${oldServices.join(', ')} to ${newServices.join(', ')}`,
      lifecycleIds: [lifecycleId],
      // Slugs: the decky's services passed the catalogue when deployed, the new ones just now.
      oldServices: oldServices as ServiceSlug[],
      newServices: newServices as ServiceSlug[],
    }
  })
}

/**
 * A live service edit: services added to or removed from a running decky, judged by core's rules
 * (catalogue, OS family, ports, custom sections), committed with an `edit_services` row. The runner
 * converges the decky, which replaces only the changed services' containers: sessions to the others
 * stay up.
 */
export function editDeckyServices(
  services: OperateServices & Pick<ApiServices, 'engine'>,
  request: EditServicesRequest,
  actor: string,
): Promise<{ message: string; lifecycleId: string; oldServices: string[]; newServices: string[] }> {
  return serialiseFleetChanges(async () => {
    const decky = await requireDecky(services.db, request.name)
    await assertDeckyHostCanOperate(services, decky, 'edit services on')
    const edited = editServices(decky, request)
    assertEngineRunsCustomServices(services.engine, { ...decky, customServices: edited.customServices })
    const oldServices = [...decky.services, ...decky.customServices.map((service) => service.name)]
    const newServices = [...edited.services, ...edited.customServices.map((service) => service.name)]
    const { lifecycleId } = await services.db.fleet.commitServiceEdit(decky.name, edited, oldServices, {
      trigger: 'operator',
      actor,
    })
    services.runner.wake()
    return {
      message: `${decky.name} services from ${oldServices.join(', ')} to ${newServices.join(', ')}`,
      lifecycleId,
      oldServices,
      newServices,
    }
  })
}

/**
 * Queues a `repair` of one decky (its recorded spec converged again: exited or missing containers
 * recreated, a base off its network recreated with its services, readiness probed); the runner does
 * the Docker work. Whatever the decky's state: an operator may repair a running one too.
 */
export function repairDecky(
  services: OperateServices,
  name: string,
  actor: string,
): Promise<{ message: string; lifecycleId: string }> {
  return serialiseFleetChanges(async () => {
    const decky = await requireDecky(services.db, name)
    await assertDeckyHostCanOperate(services, decky, 'repair')
    const { lifecycleId } = await services.db.fleet.commitRepair(decky.name, { trigger: 'operator', actor })
    services.runner.wake()
    return { message: `${decky.name} repair queued`, lifecycleId }
  })
}

/**
 * Removes the decky (or all) from the desired state; the runner removes their containers. One whose host
 * does not answer stays `pending_removal` (name and IP reserved) until that host answers and its
 * containers are swept.
 */
export function teardownDeckies(
  services: Pick<ApiServices, 'db' | 'runner'>,
  target: { name: string } | { all: true },
): Promise<{ message: string; lifecycleIds: string[] }> {
  return serialiseFleetChanges(async () => {
    const { db, runner } = services
    const names =
      'all' in target
        ? (await db.fleet.list()).map((decky) => decky.name)
        : [(await requireDecky(db, target.name)).name]
    if (names.length === 0) return { message: 'the fleet is already empty', lifecycleIds: [] }
    const { lifecycleIds } = await db.fleet.commitDeployPlan({ remove: names })
    runner.wake()
    const waiting = (await db.fleet.list())
      .filter((decky) => decky.state === 'pending_removal' && names.includes(decky.name))
      .map((decky) => decky.name)
    const message =
      waiting.length > 0
        ? `tearing down ${names.join(', ')}; ${waiting.join(', ')} stay pending removal until their host answers`
        : `tearing down ${names.join(', ')}`
    return { message, lifecycleIds }
  })
}
