import { ZPreviewRequest, ZPreviewResponse } from '@decnet/core'

export const ZPreviewInput = ZPreviewRequest
export const ZPreviewOutput = ZPreviewResponse
