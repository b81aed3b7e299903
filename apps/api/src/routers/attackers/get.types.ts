import { ZIsoDate, ZLog } from '@decnet/core'
import { z } from 'zod'
import { ZAttackerOutput } from './attacker-output.ts'

/** Credentials per page: an attacker decides how many there are (thousands from one AUTH loop). */
export const CREDENTIAL_PAGE_DEFAULT = 50
export const CREDENTIAL_PAGE_MAX = 200
/** The detail's timeline: the most recent events only; the rest are in logs.search. */
export const RECENT_LOGS = 50

export const ZGetAttackerInput = z
  .object({
    id: z.string().min(1).max(128),
    credentialLimit: z.number().int().min(1).max(CREDENTIAL_PAGE_MAX).default(CREDENTIAL_PAGE_DEFAULT),
    credentialCursor: z.string().max(32).optional(),
  })
  .strict()
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
  /** The most recent commands (ingest keeps at most 100). */
  commands: z.array(z.string()).max(100),
  /** One page of the credentials tried, most recent first. */
  credentials: z.array(ZAttackerCredential).max(CREDENTIAL_PAGE_MAX),
  credentialTotal: z.number().int(),
  /** Pass back as credentialCursor for the next page; absent on the last page. */
  credentialsNextCursor: z.string().optional(),
  /** The most recent events; `moreLogs` says older ones exist (search `ip:<address>` for them). */
  recentLogs: z.array(ZLog).max(RECENT_LOGS),
  moreLogs: z.boolean(),
})
