import { ZArtifact, ZIsoDate } from '@decnet/core'
import { z } from 'zod'
import { MAX_ARTIFACT_LIST } from '../../artifacts/artifacts.ts'

export const ZListArtifactsInput = z
  .object({
    limit: z.number().int().min(1).max(MAX_ARTIFACT_LIST).default(50),
    /** Page: artifacts last seen before this time (the previous page's `nextBefore`). */
    before: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()

export const ZListArtifactsOutput = z.object({
  rows: z.array(ZArtifact).max(MAX_ARTIFACT_LIST),
  nextBefore: ZIsoDate.nullable(),
})
