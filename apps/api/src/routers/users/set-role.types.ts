import { ZMessage, ZSetRoleRequest } from '@decnet/core'

export const ZSetRoleInput = ZSetRoleRequest
export const ZSetRoleOutput = ZMessage
