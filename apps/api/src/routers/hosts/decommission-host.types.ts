import { ZHostId } from '@decnet/core'
import { z } from 'zod'

export const ZDecommissionHostInput = z.object({ id: ZHostId }).strict()
export const ZDecommissionHostOutput = z.object({ message: z.string(), lifecycleIds: z.array(z.string()) })
