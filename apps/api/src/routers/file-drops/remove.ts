import { removeFileDrop } from '../../fleet/file-drops.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZRemoveFileDropInput, ZRemoveFileDropOutput } from './remove.types.ts'

/** Deletes a drop and queues the decky's repair; the runner recreates its shell and FTP decoys. */
export const removeFileDropProcedure = adminProcedure
  .input(ZRemoveFileDropInput)
  .output(ZRemoveFileDropOutput)
  .mutation(({ ctx, input }) => removeFileDrop(ctx.services, input, ctx.session.user.username))
