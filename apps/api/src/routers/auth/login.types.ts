import { ZLoginRequest, ZLoginResponse } from '@decnet/core'

export const ZLoginInput = ZLoginRequest
export const ZLoginOutput = ZLoginResponse
