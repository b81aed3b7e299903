import { ZArtifact, ZArtifactSighting, ZSha256 } from '@decnet/core'
import { ARTIFACT_SIGHTINGS_MAX } from '@decnet/db'
import { z } from 'zod'

export const ZGetArtifactInput = z.object({ sha256: ZSha256 }).strict()

export const ZGetArtifactOutput = z.object({
  artifact: ZArtifact,
  /** Where and from whom it was seen, newest first; its events carry the same sha256. */
  seen: z.array(ZArtifactSighting).max(ARTIFACT_SIGHTINGS_MAX),
  /** Admins: where the bytes download (as an attachment); viewers: null (metadata only). */
  downloadPath: z.string().max(128).nullable(),
})
