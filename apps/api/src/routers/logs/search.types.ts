import { ZLogsSearchRequest, ZLogsSearchResponse } from '@decnet/core'

export const ZSearchLogsInput = ZLogsSearchRequest
export const ZSearchLogsOutput = ZLogsSearchResponse
