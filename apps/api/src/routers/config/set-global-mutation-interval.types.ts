import { ZMessage, ZSetGlobalMutationIntervalRequest } from '@decnet/core'

export const ZSetGlobalMutationIntervalInput = ZSetGlobalMutationIntervalRequest
export const ZSetGlobalMutationIntervalOutput = ZMessage
