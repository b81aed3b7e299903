import { planFleet, serialiseFleetChanges } from '../../fleet/plan.ts'
import { toDeckyRow } from '../../fleet/planned-decky.ts'
import { writeFleetNetwork } from '../../settings/network.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZDeployInput, ZDeployOutput } from './deploy.types.ts'

const NEEDS_REDEPLOY = new Set(['failed', 'missing', 'degraded'])

/**
 * Commits the desired state and one lifecycle row per submitted decky, then returns: the lifecycle
 * runner does the Docker work. Default is additive; replaceFleet makes the INI the whole fleet.
 */
export const deployProcedure = adminProcedure
  .input(ZDeployInput)
  .output(ZDeployOutput)
  .mutation(({ ctx, input }) =>
    serialiseFleetChanges(async () => {
      const { db, runner } = ctx.services
      const { plan, network, activeHosts } = await planFleet(ctx.services, input.ini, input.replaceFleet)
      const create = plan.create.filter((decky) => !decky.replaces).map(toDeckyRow)
      const update = plan.create.filter((decky) => decky.replaces).map(toDeckyRow)
      // replaceFleet is "make it so": kept deckies that failed or went missing are deployed again.
      if (input.replaceFleet) {
        const stored = await db.fleet.list()
        for (const kept of plan.keep) {
          const decky = stored.find((candidate) => candidate.name === kept.name)
          // Re-submitted as stored (a stored decky is a complete row).
          if (decky && NEEDS_REDEPLOY.has(decky.state)) update.push(decky)
        }
      }
      const remove = plan.remove.map((decky) => decky.name)
      const { lifecycleIds } = await db.fleet.commitDeployPlan({ create, update, remove })
      if (plan.keep.length === 0) await writeFleetNetwork(db, network)
      runner.wake()
      const submitted = create.length + update.length
      const parts = [`${submitted} ${submitted === 1 ? 'decky' : 'deckies'} submitted`]
      if (plan.keep.length > 0) parts.push(`${plan.keep.length} kept`)
      if (remove.length > 0) parts.push(`${remove.length} to tear down`)
      return {
        message: parts.join(', '),
        mode: activeHosts > 1 ? ('swarm' as const) : ('unihost' as const),
        lifecycleIds: lifecycleIds.slice(0, submitted),
        teardownIds: lifecycleIds.slice(submitted),
      }
    }),
  )
