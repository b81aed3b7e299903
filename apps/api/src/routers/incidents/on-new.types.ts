import { ZIncident } from '@decnet/core'
import { z } from 'zod'
import { zTrackedStream } from '../../subscription-output.ts'

export const ZOnNewIncidentInput = z
  .object({
    /** Sent back by the client on reconnect (SSE Last-Event-ID): incidents opened after it are replayed. */
    lastEventId: z.string().max(128).nullish(),
  })
  .strict()
export const ZOnNewIncidentOutput = zTrackedStream(ZIncident)
