import { z } from 'zod'

export const ZRemoveChannelInput = z.object({ id: z.string().min(1).max(64) }).strict()
export const ZRemoveChannelOutput = z.object({ removed: z.literal(true) })
