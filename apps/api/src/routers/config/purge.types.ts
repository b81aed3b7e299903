import { ZPurgeResponse } from '@decnet/core'
import { ZNoInput } from '../../no-input.ts'

export const ZPurgeInput = ZNoInput
export const ZPurgeOutput = ZPurgeResponse
