import { z } from 'zod'

export const ZDecommissionHostInput = z.object({ id: z.string().min(1).max(128) }).strict()
export const ZDecommissionHostOutput = z.object({ message: z.string(), lifecycleIds: z.array(z.string()) })
