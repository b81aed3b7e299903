import { ZLogFieldsResponse } from '@decnet/core'
import { ZNoInput } from '../../no-input.ts'

export const ZLogFieldsInput = ZNoInput
export const ZLogFieldsOutput = ZLogFieldsResponse
