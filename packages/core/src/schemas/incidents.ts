// Incidents: attack events grouped per source IP × decky within a quiet window, and the ignore rules
// that suppress them. Shared by the grouping worker, the alert outbox, exports and the console.
import { z } from 'zod'
import { ZIsoDate } from './common.ts'

/**
 * How bad an incident is, from what happened (ascending): a bare connection, a login attempt, then
 * anything that shows access or intent beyond guessing (successful login, command, file upload,
 * credential reuse across deckies). The rule set that maps events to a severity is data.
 */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const
export const ZSeverity = z.enum(SEVERITIES)
export type Severity = z.infer<typeof ZSeverity>

/** Orders severities: negative when `a` is less severe than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b)
}

/** open → acknowledged → resolved (an acknowledged or resolved incident that sees new events reopens). */
export const INCIDENT_STATES = ['open', 'acknowledged', 'resolved'] as const
export const ZIncidentState = z.enum(INCIDENT_STATES)
export type IncidentState = z.infer<typeof ZIncidentState>

export const ZIncident = z.object({
  id: z.string(),
  attackerIp: z.string(),
  /** The decky the incident opened on. */
  decky: z.string(),
  /** Every decky this source touched while the incident was open, first-contact order. */
  deckies: z.array(z.string()),
  services: z.array(z.string()),
  severity: ZSeverity,
  /** Why it has that severity (e.g. "successful login on ssh"), newest reason last. */
  reasons: z.array(z.string()),
  state: ZIncidentState,
  firstSeen: ZIsoDate,
  lastSeen: ZIsoDate,
  eventCount: z.number().int(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: ZIsoDate.nullable(),
  resolvedAt: ZIsoDate.nullable(),
  note: z.string().nullable(),
})
export type Incident = z.infer<typeof ZIncident>

/** The operator columns of an incident nobody has acknowledged, resolved or annotated yet. */
export const NO_OPERATOR_ACTION = {
  acknowledgedBy: null,
  acknowledgedAt: null,
  resolvedAt: null,
  note: null,
} as const satisfies Partial<Incident>

/** What an ignore rule matches: a source CIDR, a service, a decky, or a known scanner by name. */
export const IGNORE_RULE_KINDS = ['cidr', 'service', 'decky', 'scanner'] as const
export const ZIgnoreRuleKind = z.enum(IGNORE_RULE_KINDS)
export type IgnoreRuleKind = z.infer<typeof ZIgnoreRuleKind>

export const ZIgnoreRule = z.object({
  id: z.string(),
  kind: ZIgnoreRuleKind,
  value: z.string(),
  note: z.string().nullable(),
  createdBy: z.string(),
  createdAt: ZIsoDate,
})
export type IgnoreRule = z.infer<typeof ZIgnoreRule>
