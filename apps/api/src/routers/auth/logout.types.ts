import { ZMessage } from '@decnet/core'
import { ZNoInput } from '../../no-input.ts'

export const ZLogoutInput = ZNoInput
export const ZLogoutOutput = ZMessage
