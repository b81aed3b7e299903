import { ZIncidentNote } from '@decnet/core'
import { z } from 'zod'
import { ZIncidentOutput } from './incident-output.ts'

export const ZAcknowledgeIncidentInput = z
  .object({ id: z.string().min(1).max(128), note: ZIncidentNote.optional() })
  .strict()
export const ZAcknowledgeIncidentOutput = ZIncidentOutput
