import { ZTeardownRequest, ZTeardownResponse } from '@decnet/core'

export const ZTeardownInput = ZTeardownRequest
export const ZTeardownOutput = ZTeardownResponse
