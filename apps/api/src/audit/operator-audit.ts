// The audit log's record of one operator call: who (the session's user, or the user name a sign-in
// gave), what (the procedure path and its input, secrets redacted), on what (the input's main
// identifier), from where (the caller's address as the trusted-proxy rules found it) and how it ended.
import type { AuditEntryInput } from '@decnet/db'
import type { ApiContext } from '../context.ts'
import { redactedInput } from './redact.ts'

/** What a procedure's meta may say about its audit record. */
export type AuditMeta = {
  /** The actor is this input field (auth.login: the user name the attempt gave), not the session's user. */
  actorFromInput?: string
}

export const AUDIT_OK = 'ok'

/** Longest actor and target kept (a sign-in's user name is whatever the caller sent). */
const MAX_ACTOR = 64
const MAX_TARGET = 200

// Input fields naming what a call concerns, most specific first (decky, host, user, channel, incident …).
const TARGET_FIELDS = [
  'name',
  'deckyName',
  'hostId',
  'host',
  'username',
  'userId',
  'incidentId',
  'channelId',
  'ruleId',
  'id',
  'names',
  'ids',
] as const

// Control characters (C0, DEL, C1) never reach a stored actor or target.
const CONTROL = /\p{Cc}/gu

function clean(value: string, max: number): string {
  return value.replace(CONTROL, '').slice(0, max)
}

/** The main identifier of an input: a name, an id, a list of them, or `*` for a whole-fleet call. */
export function targetOf(input: unknown): string {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return ''
  const fields = input as Record<string, unknown>
  for (const field of TARGET_FIELDS) {
    const value = fields[field]
    if (typeof value === 'string' && value) return clean(value, MAX_TARGET)
    if (typeof value === 'number') return String(value)
    if (Array.isArray(value) && value.length > 0) {
      return clean(value.filter((item) => typeof item === 'string').join(','), MAX_TARGET)
    }
  }
  // Any other `…Id` field (a procedure added later names its subject that way).
  for (const [field, value] of Object.entries(fields)) {
    if (field.endsWith('Id') && typeof value === 'string' && value) return clean(value, MAX_TARGET)
  }
  if (fields.all === true) return '*'
  return ''
}

/**
 * The audit entry of a settled mutation call, or null when there is nobody to attribute it to: an
 * anonymous call to a guarded procedure is refused before anything happens (and costs a flooder
 * nothing to repeat), and a sign-in is recorded only once it was decided (ok or UNAUTHORIZED), not
 * when it was malformed or throttled.
 */
export function auditEntryOf(call: {
  ctx: Pick<ApiContext, 'session' | 'clientIp'>
  path: string
  audit: AuditMeta | undefined
  rawInput: unknown
  outcome: string
}): AuditEntryInput | null {
  const { ctx, path, audit, rawInput, outcome } = call
  let actor: string | undefined
  if (audit?.actorFromInput) {
    if (outcome !== AUDIT_OK && outcome !== 'UNAUTHORIZED') return null
    const given =
      rawInput !== null && typeof rawInput === 'object'
        ? (rawInput as Record<string, unknown>)[audit.actorFromInput]
        : undefined
    actor = typeof given === 'string' ? clean(given, MAX_ACTOR) : ''
  } else {
    actor = ctx.session?.user.username
  }
  if (actor === undefined) return null
  return {
    actor,
    action: path,
    target: targetOf(rawInput),
    detail: redactedInput(rawInput),
    sourceIp: ctx.clientIp,
    outcome,
  }
}
