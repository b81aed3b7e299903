import { FILE_DROPS_PER_DECKY_MAX, ZDeckyNameRequest, ZFileDrop } from '@decnet/core'
import { z } from 'zod'

export const ZListFileDropsInput = ZDeckyNameRequest
export const ZListFileDropsOutput = z
  .array(ZFileDrop.extend({ size: z.number().int().nonnegative() }))
  .max(FILE_DROPS_PER_DECKY_MAX)
