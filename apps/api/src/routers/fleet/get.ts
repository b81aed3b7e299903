import { TRPCError } from '@trpc/server'
import { activeOperations, hostNames, toDeckyOutput } from '../../fleet/decky-output.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZGetDeckyInput, ZGetDeckyOutput } from './get.types.ts'

export const getDeckyProcedure = viewerProcedure
  .input(ZGetDeckyInput)
  .output(ZGetDeckyOutput)
  .query(async ({ ctx, input }) => {
    const decky = await ctx.services.db.fleet.get(input.name)
    if (!decky) throw new TRPCError({ code: 'NOT_FOUND', message: `no decky named ${input.name}` })
    const [names, active] = await Promise.all([hostNames(ctx.services.db), activeOperations(ctx.services.db)])
    return toDeckyOutput(decky, names, active, ctx.services.localAddressOf(decky.name))
  })
