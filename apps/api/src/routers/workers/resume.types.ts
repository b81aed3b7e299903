import { ZMessage, ZWorkerPauseRequest } from '@decnet/core'

export const ZResumeWorkerInput = ZWorkerPauseRequest
export const ZResumeWorkerOutput = ZMessage
