import { ZCreateUserRequest, ZPublicUser } from '@decnet/core'

export const ZCreateUserInput = ZCreateUserRequest
export const ZCreateUserOutput = ZPublicUser
