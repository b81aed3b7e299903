import { z } from 'zod'
import { ZHostOutput } from '../../hosts/host-output.ts'
import { ZNoInput } from '../../no-input.ts'

export const ZListHostsInput = ZNoInput
export const ZListHostsOutput = z.array(ZHostOutput)
