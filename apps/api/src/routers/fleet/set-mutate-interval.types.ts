import { ZMessage, ZSetMutateIntervalRequest } from '@decnet/core'

export const ZSetMutateIntervalInput = ZSetMutateIntervalRequest
export const ZSetMutateIntervalOutput = ZMessage
