import { listArtifacts } from '../../artifacts/artifacts.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZListArtifactsInput, ZListArtifactsOutput } from './list.types.ts'

/** Artifacts (downloads, uploads, messages) newest first: metadata only. */
export const listArtifactsProcedure = viewerProcedure
  .input(ZListArtifactsInput)
  .output(ZListArtifactsOutput)
  .query(({ ctx, input }) => listArtifacts(ctx.services.db, input))
