import { z } from 'zod'

export const ZSendTestInput = z.object({ id: z.string().min(1).max(64) }).strict()
/** The delivery to poll with alerts.deliveries.list: the worker sends it, not the request. */
export const ZSendTestOutput = z.object({ deliveryId: z.string() })
