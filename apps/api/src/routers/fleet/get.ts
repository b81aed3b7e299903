import { requireDecky } from '../../fleet/decky-lookup.ts'
import { toOneDeckyOutput } from '../../fleet/decky-output.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZGetDeckyInput, ZGetDeckyOutput } from './get.types.ts'

export const getDeckyProcedure = viewerProcedure
  .input(ZGetDeckyInput)
  .output(ZGetDeckyOutput)
  .query(async ({ ctx, input }) =>
    toOneDeckyOutput(ctx.services, await requireDecky(ctx.services.db, input.name)),
  )
