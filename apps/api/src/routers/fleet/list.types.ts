import { z } from 'zod'
import { ZDeckyOutput } from '../../fleet/decky-output.ts'
import { ZNoInput } from '../../no-input.ts'

export const ZListFleetInput = ZNoInput
export const ZListFleetOutput = z.array(ZDeckyOutput)
