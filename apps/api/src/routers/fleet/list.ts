import { toDeckyOutputs } from '../../fleet/decky-output.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZListFleetInput, ZListFleetOutput } from './list.types.ts'

export const listFleetProcedure = viewerProcedure
  .input(ZListFleetInput)
  .output(ZListFleetOutput)
  .query(async ({ ctx }) => toDeckyOutputs(ctx.services, await ctx.services.db.fleet.list()))
