import { z } from 'zod'
import { zTrackedStream } from '../../subscription-output.ts'
import { ZIncidentOutput } from './incident-output.ts'

export const ZOnNewIncidentInput = z
  .object({
    /** Sent back by the client on reconnect (SSE Last-Event-ID): incidents opened after it are replayed. */
    lastEventId: z.string().max(32).nullish(),
  })
  .strict()
export const ZOnNewIncidentOutput = zTrackedStream(ZIncidentOutput)
