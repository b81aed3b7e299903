import { z } from 'zod'
import { ZNoInput } from '../../no-input.ts'
import { ZApiToken } from './api-token-output.ts'

export const ZListApiTokensInput = ZNoInput
export const ZListApiTokensOutput = z.array(ZApiToken)
