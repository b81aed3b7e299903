import { ZImageRollout } from '@decnet/core'
import { z } from 'zod'

export const ZGetImageRolloutInput = z.object({ id: z.string().min(1).max(64) }).strict()
export const ZGetImageRolloutOutput = ZImageRollout
