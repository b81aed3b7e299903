import { getHostView } from '../../hosts/hosts-view.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZGetHostInput, ZGetHostOutput } from './get-host.types.ts'

export const getHostProcedure = adminProcedure
  .input(ZGetHostInput)
  .output(ZGetHostOutput)
  .query(({ ctx, input }) => getHostView(ctx.services, input.id))
