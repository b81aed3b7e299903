// Alerts: what an incident notification carries to a channel, and the channels it can go to.
import { z } from 'zod'
import { ZIsoDate } from './common.ts'
import { ZIncident, ZSeverity } from './incidents.ts'

export const CHANNEL_KINDS = ['webhook', 'syslog', 'email', 'ndjson'] as const
export const ZChannelKind = z.enum(CHANNEL_KINDS)
export type ChannelKind = z.infer<typeof ZChannelKind>

/** Why an alert is sent: the incident opened, or rose in severity, or a digest of later activity. */
export const ALERT_REASONS = ['opened', 'escalated', 'digest', 'test'] as const
export const ZAlertReason = z.enum(ALERT_REASONS)
export type AlertReason = z.infer<typeof ZAlertReason>

/**
 * One notification as every transport receives it. `idempotencyKey` is stable across retries and
 * restarts (receivers de-duplicate on it); `id` identifies the outbox row.
 */
export const ZAlertMessage = z.object({
  id: z.string(),
  idempotencyKey: z.string(),
  reason: ZAlertReason,
  severity: ZSeverity,
  createdAt: ZIsoDate,
  /** One line a human reads first, e.g. "high: 203.0.113.7 logged in to web-01 (ssh)". */
  title: z.string(),
  incident: ZIncident,
  /** A few recent events of the incident (already capped, attacker-controlled text). */
  events: z.array(
    z.object({
      timestamp: ZIsoDate,
      decky: z.string(),
      service: z.string(),
      eventType: z.string(),
      summary: z.string(),
    }),
  ),
  /** Link to the incident in the console, when the public URL is configured. */
  url: z.string().nullable(),
})
export type AlertMessage = z.infer<typeof ZAlertMessage>
