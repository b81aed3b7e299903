import { requireArtifact } from '../../artifacts/artifacts.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZGetArtifactInput, ZGetArtifactOutput } from './get.types.ts'

/** One artifact: its metadata and sightings; the download path for admins only. */
export const getArtifactProcedure = viewerProcedure
  .input(ZGetArtifactInput)
  .output(ZGetArtifactOutput)
  .query(({ ctx, input }) =>
    requireArtifact(ctx.services.db, input.sha256, ctx.session.user.role === 'admin'),
  )
