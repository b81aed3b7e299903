import { TRPCError } from '@trpc/server'
import { serialiseFleetChanges } from '../../fleet/plan.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZTeardownInput, ZTeardownOutput } from './teardown.types.ts'

/**
 * Removes the decky (or all) from the desired state; the runner removes their containers. One whose host
 * does not answer stays `pending_removal` until that host answers and its containers are swept.
 */
export const teardownProcedure = adminProcedure
  .input(ZTeardownInput)
  .output(ZTeardownOutput)
  .mutation(({ ctx, input }) =>
    serialiseFleetChanges(async () => {
      const { db, runner } = ctx.services
      let names: string[]
      if ('all' in input) {
        names = (await db.fleet.list()).map((decky) => decky.name)
      } else {
        if (!(await db.fleet.get(input.name))) {
          throw new TRPCError({ code: 'NOT_FOUND', message: `no decky named ${input.name}` })
        }
        names = [input.name]
      }
      if (names.length === 0) return { message: 'the fleet is already empty', lifecycleIds: [] }
      const { lifecycleIds } = await db.fleet.commitDeployPlan({ remove: names })
      runner.wake()
      // Deckies on a host that does not answer stay pending_removal (name and IP reserved) until it does.
      const waiting = (await db.fleet.list())
        .filter((decky) => decky.state === 'pending_removal' && names.includes(decky.name))
        .map((decky) => decky.name)
      const message =
        waiting.length > 0
          ? `tearing down ${names.join(', ')}; ${waiting.join(', ')} stay pending removal until their host answers`
          : `tearing down ${names.join(', ')}`
      return { message, lifecycleIds }
    }),
  )
