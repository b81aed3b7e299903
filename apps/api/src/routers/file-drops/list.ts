import { listFileDrops } from '../../fleet/file-drops.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZListFileDropsInput, ZListFileDropsOutput } from './list.types.ts'

/** A decky's file drops with their content (admins only: the bait may look like real credentials). */
export const listFileDropsProcedure = adminProcedure
  .input(ZListFileDropsInput)
  .output(ZListFileDropsOutput)
  .query(({ ctx, input }) => listFileDrops(ctx.services, input.name))
