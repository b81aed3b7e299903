import { ZIsoDate } from '@decnet/core'
import { TECHNIQUE_SAMPLE_ATTACKERS } from '@decnet/db'
import { z } from 'zod'
import { ZTechniqueNaming } from '../attackers/intel.types.ts'

export const ZTechniquesInput = z.object({}).strict().optional()

export const ZTechniquesOutput = z.object({
  /** One row per technique seen (the list is as long as the rule set), most attackers first. */
  rows: z
    .array(
      z.object({
        technique: z.string(),
        ...ZTechniqueNaming,
        attackers: z.number().int(),
        hits: z.number().int(),
        firstSeen: ZIsoDate,
        lastSeen: ZIsoDate,
        topAttackers: z
          .array(z.object({ id: z.string(), ip: z.string(), count: z.number().int() }))
          .max(TECHNIQUE_SAMPLE_ATTACKERS),
      }),
    )
    .max(2000),
})
