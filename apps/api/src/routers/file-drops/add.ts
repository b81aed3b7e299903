import { addFileDrop } from '../../fleet/file-drops.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZAddFileDropInput, ZAddFileDropOutput } from './add.types.ts'

/** Stores a drop and queues the decky's repair; the runner recreates its shell and FTP decoys. */
export const addFileDropProcedure = adminProcedure
  .input(ZAddFileDropInput)
  .output(ZAddFileDropOutput)
  .mutation(({ ctx, input }) => addFileDrop(ctx.services, input, ctx.session.user.username))
