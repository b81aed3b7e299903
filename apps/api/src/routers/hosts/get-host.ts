import { TRPCError } from '@trpc/server'
import { listHosts } from '../../hosts/hosts-view.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZGetHostInput, ZGetHostOutput } from './get-host.types.ts'

export const getHostProcedure = adminProcedure
  .input(ZGetHostInput)
  .output(ZGetHostOutput)
  .query(async ({ ctx, input }) => {
    const host = (await listHosts(ctx.services)).find((candidate) => candidate.id === input.id)
    if (!host) throw new TRPCError({ code: 'NOT_FOUND', message: `no host with id ${input.id}` })
    return host
  })
