import { ZMutatePreviewRequest, ZMutatePreviewResponse } from '@decnet/core'

export const ZMutatePreviewInput = ZMutatePreviewRequest
export const ZMutatePreviewOutput = ZMutatePreviewResponse
