import { ZMessage, ZUserIdRequest } from '@decnet/core'

export const ZDeleteUserInput = ZUserIdRequest
export const ZDeleteUserOutput = ZMessage
