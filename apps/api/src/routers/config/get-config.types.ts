import { ZConfigOutput } from '@decnet/core'
import { ZNoInput } from '../../no-input.ts'

export const ZGetConfigInput = ZNoInput
export const ZGetConfigOutput = ZConfigOutput
