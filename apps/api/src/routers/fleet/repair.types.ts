import { ZDeckyNameRequest } from '@decnet/core'
import { z } from 'zod'

export const ZRepairInput = ZDeckyNameRequest
export const ZRepairOutput = z.object({ message: z.string().max(500), lifecycleId: z.string().min(1) })
