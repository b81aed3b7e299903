import { decommissionHost } from '../../hosts/decommission.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZDecommissionHostInput, ZDecommissionHostOutput } from './decommission-host.types.ts'

/** Retires an enrolled host: its deckies torn down, or left recorded if it does not answer (hosts/decommission.ts). */
export const decommissionHostProcedure = adminProcedure
  .input(ZDecommissionHostInput)
  .output(ZDecommissionHostOutput)
  .mutation(({ ctx, input }) => decommissionHost(ctx.services, input.id, ctx.session.user.username))
