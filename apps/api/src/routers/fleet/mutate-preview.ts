import { requireDecky } from '../../fleet/decky-lookup.ts'
import { previewMutation } from '../../fleet/mutation-preview.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZMutatePreviewInput, ZMutatePreviewOutput } from './mutate-preview.types.ts'

/** Draws a mutation of one decky without committing it, for the operator to confirm or change. */
export const mutatePreviewProcedure = adminProcedure
  .input(ZMutatePreviewInput)
  .output(ZMutatePreviewOutput)
  .query(async ({ ctx, input }) => previewMutation(await requireDecky(ctx.services.db, input.name)))
