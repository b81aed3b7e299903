// How severe an incident is, from what happened. The rule set is data (versioned, so an incident
// records which rules judged it); the event names and fields are the ones the decoys emit
// (packages/decoys: `connect`, `request`, `scan`, `auth_attempt` with `success`, `command`, `upload` …).
import { compareSeverity, LATERAL_MOVEMENT_EVENT, type Severity } from '@decnet/core'

type FieldValue = string | number | boolean | null

/** A rule about one event: its type (any when omitted) and field values it must carry. */
export type EventRule = {
  kind: 'event'
  id: string
  severity: Severity
  /** What the incident's reasons say; `{service}` and `{decky}` are filled in. */
  reason: string
  eventTypes?: readonly string[]
  fields?: Readonly<Record<string, FieldValue>>
}

/** The same credential (principal + secret) tried on at least `minDeckies` deckies by one source. */
export type CredentialReuseRule = {
  kind: 'credential-reuse'
  id: string
  severity: Severity
  reason: string
  minDeckies: number
}

export type SeverityRule = EventRule | CredentialReuseRule

export type SeverityRuleSet = { version: number; rules: readonly SeverityRule[] }

/**
 * Version 1: a connection (any event) < a login attempt < a successful login, a command or a file
 * upload < the same credential reused across deckies (someone carrying what they found elsewhere).
 */
export const SEVERITY_RULES_V1: SeverityRuleSet = {
  version: 1,
  rules: [
    { kind: 'event', id: 'connection', severity: 'low', reason: 'connection to {service} on {decky}' },
    {
      kind: 'event',
      id: 'login-attempt',
      severity: 'medium',
      reason: 'login attempt on {service} ({decky})',
      eventTypes: ['auth_attempt'],
    },
    {
      kind: 'event',
      id: 'login-success',
      severity: 'high',
      reason: 'successful login on {service} ({decky})',
      eventTypes: ['auth_attempt'],
      fields: { success: true },
    },
    {
      kind: 'event',
      id: 'command',
      severity: 'high',
      reason: 'command run on {service} ({decky})',
      eventTypes: ['command'],
    },
    {
      kind: 'event',
      id: 'file-upload',
      severity: 'high',
      reason: 'file uploaded over {service} ({decky})',
      eventTypes: ['upload'],
    },
    {
      kind: 'credential-reuse',
      id: 'credential-reuse',
      severity: 'critical',
      reason: 'credential reused across deckies (now on {decky}, {service})',
      minDeckies: 2,
    },
  ],
}

/**
 * Version 2: version 1 plus lateral movement, an attacker on a pivot reaching a host behind it (a
 * forward the pivot let through), which raises the attacker's incident to high.
 */
export const SEVERITY_RULES_V2: SeverityRuleSet = {
  version: 2,
  rules: [
    ...SEVERITY_RULES_V1.rules,
    {
      kind: 'event',
      id: 'lateral-movement',
      severity: 'high',
      reason: 'lateral movement through {decky} ({service})',
      eventTypes: [LATERAL_MOVEMENT_EVENT],
      fields: { allowed: true },
    },
  ],
}

/** The rule set the worker uses unless told otherwise. */
export const SEVERITY_RULES: SeverityRuleSet = SEVERITY_RULES_V2

export type JudgedEvent = {
  eventType: string
  service: string
  decky: string
  fields: Record<string, unknown>
}

export type Judgement = { severity: Severity; ruleId: string; reason: string }

const fill = (template: string, event: JudgedEvent) =>
  template.replaceAll('{service}', event.service).replaceAll('{decky}', event.decky)

function matches(rule: EventRule, event: JudgedEvent): boolean {
  if (rule.eventTypes && !rule.eventTypes.includes(event.eventType)) return false
  for (const [field, value] of Object.entries(rule.fields ?? {})) {
    if (event.fields[field] !== value) return false
  }
  return true
}

/**
 * The most severe rule an event meets. `deckiesWithCredential` is how many deckies (this one
 * included) the event's credential has now been tried on by the same source (0: no credential).
 */
export function judgeEvent(rules: SeverityRuleSet, event: JudgedEvent, deckiesWithCredential = 0): Judgement {
  let best: Judgement = {
    severity: 'low',
    ruleId: 'none',
    reason: fill('activity on {service} ({decky})', event),
  }
  let matched = false
  for (const rule of rules.rules) {
    const hit = rule.kind === 'event' ? matches(rule, event) : deckiesWithCredential >= rule.minDeckies
    if (!hit) continue
    if (!matched || compareSeverity(rule.severity, best.severity) > 0) {
      best = { severity: rule.severity, ruleId: rule.id, reason: fill(rule.reason, event) }
      matched = true
    }
  }
  return best
}
