// The audit log of operator actions (issue 15): who did what, when, from where, and how it ended.
import { z } from 'zod'
import { ZIsoDate } from './common.ts'

/** How a call ended: 'ok', or the tRPC error code it was refused or failed with. */
export const ZAuditOutcome = z.string().max(64)

export const ZAuditEntry = z.object({
  id: z.string(),
  at: ZIsoDate,
  /** 'system', an operator's user name, or the user name a sign-in attempt gave. */
  actor: z.string(),
  /** A procedure path (fleet.deploy, users.create …) or a system action (host.orphans_swept …). */
  action: z.string(),
  /** What it concerns (decky name, host, user id …); '' when nothing in particular. */
  target: z.string(),
  /** The call's input with secrets redacted, or what the system recorded. */
  detail: z.record(z.string(), z.unknown()),
  /** The caller's address (what a trusted proxy forwarded); null for the system's own actions. */
  sourceIp: z.string().nullable(),
  outcome: ZAuditOutcome,
})
export type AuditEntryOutput = z.infer<typeof ZAuditEntry>

export const AUDIT_PAGE_MAX = 500

export const ZAuditListRequest = z
  .object({
    actor: z.string().min(1).max(128).optional(),
    /** Actions starting with this: `fleet.` or a whole path such as `users.create`. */
    action: z.string().min(1).max(128).optional(),
    target: z.string().min(1).max(256).optional(),
    /** ISO-8601 bounds: entries at or after `since`, before `until`. */
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
    /** The nextCursor of the previous page. */
    cursor: z.string().max(256).optional(),
  })
  .strict()
export type AuditListRequest = z.infer<typeof ZAuditListRequest>

export const ZAuditListResponse = z.object({
  rows: z.array(ZAuditEntry),
  /** Present while older entries remain. */
  nextCursor: z.string().optional(),
})
