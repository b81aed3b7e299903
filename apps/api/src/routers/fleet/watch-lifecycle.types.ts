import { ZLifecycleRow } from '@decnet/core'
import { z } from 'zod'
import { zTrackedStream } from '../../subscription-output.ts'

export const ZWatchLifecycleInput = z
  .object({
    ids: z.array(z.string().min(1).max(128)).min(1).max(200),
    /** Sent back by the client on reconnect (SSE Last-Event-ID). */
    lastEventId: z.string().max(64).nullish(),
  })
  .strict()
export const ZWatchLifecycleOutput = zTrackedStream(ZLifecycleRow)
