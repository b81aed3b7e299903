import { listHosts } from '../../hosts/hosts-view.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZListHostsInput, ZListHostsOutput } from './list-hosts.types.ts'

export const listHostsProcedure = adminProcedure
  .input(ZListHostsInput)
  .output(ZListHostsOutput)
  .query(({ ctx }) => listHosts(ctx.services))
