import { toDeckyOutput } from '../../fleet/decky-output.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZListFleetInput, ZListFleetOutput } from './list.types.ts'

export const listFleetProcedure = viewerProcedure
  .input(ZListFleetInput)
  .output(ZListFleetOutput)
  .query(async ({ ctx }) =>
    (await ctx.services.db.fleet.list()).map((decky) =>
      toDeckyOutput(decky, ctx.services.localAddressOf(decky.name)),
    ),
  )
