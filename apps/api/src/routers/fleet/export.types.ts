import { MAX_DECKIES_PER_INI, ZDeckyName, ZServiceSlug } from '@decnet/core'
import { z } from 'zod'

export const ZExportFleetInput = z
  .object({
    /** Leave every secret setting out (a file to share); viewers never get them anyway. */
    omitSecrets: z.boolean().default(false),
  })
  .strict()
  .optional()

export const ZExportFleetOutput = z.object({
  /** A fleet INI (empty when the fleet is). */
  ini: z.string(),
  deckies: z.number().int().min(0),
  /** Secret settings not written: their services fall back to the catalogue defaults on redeploy. */
  omittedSecrets: z
    .array(z.object({ decky: ZDeckyName, service: ZServiceSlug, setting: z.string().min(1).max(64) }))
    .max(MAX_DECKIES_PER_INI * 64),
})
