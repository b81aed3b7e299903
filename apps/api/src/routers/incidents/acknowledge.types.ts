import { ZIncident, ZIncidentNote } from '@decnet/core'
import { z } from 'zod'

export const ZAcknowledgeIncidentInput = z
  .object({ id: z.string().min(1).max(128), note: ZIncidentNote.optional() })
  .strict()
export const ZAcknowledgeIncidentOutput = ZIncident
