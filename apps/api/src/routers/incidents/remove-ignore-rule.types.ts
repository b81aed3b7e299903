import { ZMessage } from '@decnet/core'
import { z } from 'zod'

export const ZRemoveIgnoreRuleInput = z.object({ id: z.string().min(1).max(128) }).strict()
export const ZRemoveIgnoreRuleOutput = ZMessage
