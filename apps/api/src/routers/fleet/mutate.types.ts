import { ZMutateRequest, ZMutateResponse } from '@decnet/core'

export const ZMutateInput = ZMutateRequest
export const ZMutateOutput = ZMutateResponse
