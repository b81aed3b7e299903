import { ZDeckyNameRequest } from '@decnet/core'
import { ZDeckyDetailOutput } from '../../fleet/decky-output.ts'

export const ZGetDeckyInput = ZDeckyNameRequest
export const ZGetDeckyOutput = ZDeckyDetailOutput
