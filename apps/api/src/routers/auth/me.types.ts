import { ZPublicUser } from '@decnet/core'
import { ZNoInput } from '../../no-input.ts'

export const ZMeInput = ZNoInput
export const ZMeOutput = ZPublicUser
