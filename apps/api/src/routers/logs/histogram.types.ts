import { ZLogsHistogramRequest, ZLogsHistogramResponse } from '@decnet/core'

export const ZHistogramInput = ZLogsHistogramRequest
export const ZHistogramOutput = ZLogsHistogramResponse
