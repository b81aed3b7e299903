import { ZHostEnrollRequest } from '@decnet/core'
import { z } from 'zod'
import { ZHostOutput } from '../../hosts/host-output.ts'

export const ZEnrollHostInput = ZHostEnrollRequest
export const ZEnrollHostOutput = ZHostOutput.extend({
  engine: z.object({
    version: z.string(),
    apiVersion: z.string(),
    cpus: z.number(),
    memoryBytes: z.number(),
  }),
})
