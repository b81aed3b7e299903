import { TRPCError } from '@trpc/server'
import { serialiseFleetChanges } from '../../fleet/plan.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZTeardownInput, ZTeardownOutput } from './teardown.types.ts'

/** Removes the decky (or all) from the desired state; the runner removes their containers. */
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
      return { message: `tearing down ${names.join(', ')}`, lifecycleIds }
    }),
  )
