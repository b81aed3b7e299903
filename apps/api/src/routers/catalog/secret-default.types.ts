import { ZConfigValue, ZServiceSlug } from '@decnet/core'
import { z } from 'zod'

export const ZSecretDefaultInput = z
  .object({ service: ZServiceSlug, key: z.string().min(1).max(64) })
  .strict()
export const ZSecretDefaultOutput = z.object({ value: ZConfigValue })
