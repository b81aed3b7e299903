import { router } from '../../trpc.ts'
import { getArtifactProcedure } from './get.ts'
import { listArtifactsProcedure } from './list.ts'

/** What attackers fetched or sent, kept by SHA-256 (bytes: admins, over /artifact-files/). */
export const artifactsRouter = router({
  list: listArtifactsProcedure,
  get: getArtifactProcedure,
})
