import { ZEditServicesRequest, ZEditServicesResponse } from '@decnet/core'

export const ZEditServicesInput = ZEditServicesRequest
export const ZEditServicesOutput = ZEditServicesResponse
