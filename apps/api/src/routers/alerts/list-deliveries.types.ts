import { ZDelivery, ZDeliveryStatus } from '@decnet/core'
import { z } from 'zod'

export const ZListDeliveriesInput = z
  .object({
    channelId: z.string().min(1).max(64).optional(),
    /** One delivery (e.g. the one "send test" returned). */
    id: z.string().min(1).max(64).optional(),
    status: ZDeliveryStatus.optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict()
/** Newest first: status, attempts, next attempt, last error. */
export const ZListDeliveriesOutput = z.array(ZDelivery)
