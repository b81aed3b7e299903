import { ZDeckyHistoryRequest, ZDeckyHistoryResponse } from '@decnet/core'

export const ZHistoryInput = ZDeckyHistoryRequest
export const ZHistoryOutput = ZDeckyHistoryResponse
