import { ZMessage, ZSetDeploymentLimitRequest } from '@decnet/core'

export const ZSetDeploymentLimitInput = ZSetDeploymentLimitRequest
export const ZSetDeploymentLimitOutput = ZMessage
