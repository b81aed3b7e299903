import { ZLog, ZLogsLiveRequest } from '@decnet/core'
import { z } from 'zod'
import { zTrackedStream } from '../../subscription-output.ts'

export const ZLiveLogsInput = ZLogsLiveRequest.extend({ lastEventId: z.string().max(32).nullish() }).strict()
export const ZLiveLogsOutput = zTrackedStream(ZLog)
