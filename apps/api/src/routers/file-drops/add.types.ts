import { ZAddFileDropRequest } from '@decnet/core'
import { z } from 'zod'

export const ZAddFileDropInput = ZAddFileDropRequest
export const ZFileDropChangeOutput = z.object({
  message: z.string().max(500),
  lifecycleId: z.string().min(1),
})
export const ZAddFileDropOutput = ZFileDropChangeOutput
