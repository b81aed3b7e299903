import { ZDeckyNameRequest } from '@decnet/core'
import { ZDeckyOutput } from '../../fleet/decky-output.ts'

export const ZGetDeckyInput = ZDeckyNameRequest
export const ZGetDeckyOutput = ZDeckyOutput
