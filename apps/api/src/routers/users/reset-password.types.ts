import { ZMessage, ZResetPasswordRequest } from '@decnet/core'

export const ZResetPasswordInput = ZResetPasswordRequest
export const ZResetPasswordOutput = ZMessage
