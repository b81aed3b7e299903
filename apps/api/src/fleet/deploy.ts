import { assertPlanAsPreviewed, DecnetError, type PlanExpectation } from '@decnet/core'
import type { ApiServices } from '../context.ts'
import { writeFleetNetwork } from '../settings/network.ts'
import { NEEDS_REPAIR, planFleet, serialiseFleetChanges } from './plan.ts'
import { toDeckyRow } from './planned-decky.ts'

export type DeployResult = {
  message: string
  mode: 'swarm' | 'unihost'
  /** One per submitted decky, then one per repaired one. */
  lifecycleIds: string[]
  /** replaceFleet's teardowns. */
  teardownIds: string[]
}

/**
 * Commits the desired state and one lifecycle row per submitted decky, then returns: the lifecycle
 * runner does the Docker work. Default is additive; replaceFleet makes the INI the whole fleet.
 */
export function deployFleet(
  services: ApiServices,
  request: { ini: string; replaceFleet: boolean; seed?: string; expected?: PlanExpectation },
  actor: string,
): Promise<DeployResult> {
  if (request.expected && request.seed === undefined) {
    // Without the preview's seed every draw is fresh: the comparison could only fail.
    throw new DecnetError('invalid_input', 'expected (the preview) needs the seed the preview returned')
  }
  return serialiseFleetChanges(async () => {
    const { db, runner } = services
    const { plan, repair, network, activeHosts, existing } = await planFleet(
      services,
      request.ini,
      request.replaceFleet,
      request.seed,
    )
    // Under the same lock as the commit: nothing can change the fleet between the check and the write.
    if (request.expected) assertPlanAsPreviewed(request.expected, plan, existing)
    const create = plan.create.filter((decky) => !decky.replaces).map(toDeckyRow)
    const update = plan.create.filter((decky) => decky.replaces).map(toDeckyRow)
    // A redeploy is "make it so": kept deckies that failed, went missing or are degraded are
    // deployed again (their containers converge whatever their config hash says).
    let redeployed = 0
    if (request.replaceFleet) {
      const stored = await db.fleet.list()
      for (const kept of plan.keep) {
        const decky = stored.find((candidate) => candidate.name === kept.name)
        // Re-submitted as stored (a stored decky is a complete row).
        if (decky && NEEDS_REPAIR.has(decky.state)) {
          update.push(decky)
          redeployed++
        }
      }
    }
    const remove = plan.remove.map((decky) => decky.name)
    const { lifecycleIds } = await db.fleet.commitDeployPlan({ create, update, remove })
    // An additive deploy naming broken deckies repairs them from their recorded spec.
    const repairIds: string[] = []
    for (const decky of repair) {
      const { lifecycleId } = await db.fleet.commitRepair(decky.name, { trigger: 'deploy', actor })
      repairIds.push(lifecycleId)
    }
    if (plan.keep.length === 0) await writeFleetNetwork(db, network)
    runner.wake()
    const submitted = create.length + update.length
    const kept = plan.keep.length - redeployed - repair.length
    const parts = [`${submitted} ${submitted === 1 ? 'decky' : 'deckies'} submitted`]
    // From the recorded spec: an additive deploy never changes an existing decky (replaceFleet does).
    if (repair.length > 0) parts.push(`${repair.length} to repair as recorded`)
    if (kept > 0) parts.push(`${kept} kept`)
    if (remove.length > 0) parts.push(`${remove.length} to tear down`)
    return {
      message: parts.join(', '),
      mode: activeHosts > 1 ? 'swarm' : 'unihost',
      lifecycleIds: [...lifecycleIds.slice(0, submitted), ...repairIds],
      teardownIds: lifecycleIds.slice(submitted),
    }
  })
}
