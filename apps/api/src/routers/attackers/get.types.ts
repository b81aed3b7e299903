import { ZIsoDate, ZLog } from '@decnet/core'
import { z } from 'zod'
import { ZAttackerOutput } from './attacker-output.ts'

export const ZGetAttackerInput = z.object({ id: z.string().min(1).max(128) }).strict()
export const ZAttackerCredential = z.object({
  decky: z.string(),
  service: z.string(),
  kind: z.string(),
  username: z.string(),
  /** Masked for viewers; admins see what was sent. */
  secret: z.string(),
  count: z.number().int(),
  firstSeen: ZIsoDate,
  lastSeen: ZIsoDate,
})
export const ZGetAttackerOutput = ZAttackerOutput.extend({
  credentials: z.array(ZAttackerCredential),
  recentLogs: z.array(ZLog),
})
