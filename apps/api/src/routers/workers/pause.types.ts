import { ZMessage, ZWorkerPauseRequest } from '@decnet/core'

export const ZPauseWorkerInput = ZWorkerPauseRequest
export const ZPauseWorkerOutput = ZMessage
