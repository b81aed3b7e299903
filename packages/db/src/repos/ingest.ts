// What one batch of events means for credentials and attacker profiles, computed in memory so the
// database sees one statement per credential/attacker rather than per event.
import { createHash } from 'node:crypto'
import type { LogEventInput } from '../types.ts'

export const MAX_RAW_LINE = 65_536
export const MAX_SECRET = 1024
export const MAX_PRINCIPAL = 256
export const MAX_COMMAND = 1024
/** Most recent commands kept on an attacker profile. */
export const MAX_COMMANDS = 100

export interface CredentialAttempt {
  attackerIp: string
  decky: string
  service: string
  kind: string
  principal: string
  secret: string
  secretHash: string
  count: number
  firstSeen: Date
  lastSeen: Date
}

export interface AttackerDelta {
  ip: string
  firstSeen: Date
  lastSeen: Date
  events: number
  services: string[]
  deckies: string[]
  commands: string[]
  triedCredentials: boolean
}

/**
 * PostgreSQL text cannot hold NUL, so both databases store it as U+FFFD (keeping them identical).
 * Everything else an attacker sends is stored as given.
 */
export function storableText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value
}

/** An event as it will be stored: NUL-free text columns, raw line capped at MAX_RAW_LINE. */
export function storableEvent(event: LogEventInput): LogEventInput {
  // Nearly every event is already storable: keep it as is rather than copying it (ingest's hot path).
  if (
    event.rawLine.length <= MAX_RAW_LINE &&
    !event.rawLine.includes('\u0000') &&
    !event.decky.includes('\u0000') &&
    !event.service.includes('\u0000') &&
    !event.eventType.includes('\u0000') &&
    !event.attackerIp.includes('\u0000')
  ) {
    return event
  }
  return {
    ...event,
    decky: storableText(event.decky),
    service: storableText(event.service),
    eventType: storableText(event.eventType),
    attackerIp: storableText(event.attackerIp),
    rawLine: storableText(event.rawLine.slice(0, MAX_RAW_LINE)),
  }
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? storableText(value) : typeof value === 'number' ? String(value) : undefined

/** The credential an event carries, if any: a principal plus a password, key or hash. */
export function extractCredential(
  fields: Record<string, unknown>,
): { kind: string; principal: string; secret: string } | undefined {
  const principal = text(fields.username) ?? text(fields.user) ?? text(fields.login) ?? ''
  const candidates: [string, unknown][] = [
    ['password', fields.password ?? fields.pass],
    ['key', fields.key ?? fields.publicKey ?? fields.fingerprint],
    ['hash', fields.hash ?? fields.ntlmHash],
  ]
  for (const [kind, value] of candidates) {
    const secret = text(value)
    if (secret !== undefined) {
      return { kind, principal: principal.slice(0, MAX_PRINCIPAL), secret: secret.slice(0, MAX_SECRET) }
    }
  }
  return undefined
}

export function extractCommand(fields: Record<string, unknown>): string | undefined {
  return (text(fields.command) ?? text(fields.cmd))?.slice(0, MAX_COMMAND)
}

const pushUnique = (list: string[], value: string) => {
  if (!list.includes(value)) list.push(value)
}

/**
 * The attacker and credential updates a batch makes, event by event (add), so a caller may stop
 * between events. System events (DECNET's own probes) are stored as log rows only: they make no
 * attacker profile and no credential.
 */
export class BatchSummary {
  readonly #credentials = new Map<string, CredentialAttempt>()
  readonly #attackers = new Map<string, AttackerDelta>()

  add(event: LogEventInput): void {
    if (event.system) return
    const fields = event.fields ?? {}
    let attacker = this.#attackers.get(event.attackerIp)
    if (!attacker) {
      attacker = {
        ip: event.attackerIp,
        firstSeen: event.timestamp,
        lastSeen: event.timestamp,
        events: 0,
        services: [],
        deckies: [],
        commands: [],
        triedCredentials: false,
      }
      this.#attackers.set(event.attackerIp, attacker)
    }
    attacker.events++
    if (event.timestamp < attacker.firstSeen) attacker.firstSeen = event.timestamp
    if (event.timestamp > attacker.lastSeen) attacker.lastSeen = event.timestamp
    pushUnique(attacker.services, event.service)
    pushUnique(attacker.deckies, event.decky)
    const command = extractCommand(fields)
    if (command !== undefined) attacker.commands.push(command)

    const credential = extractCredential(fields)
    if (!credential) return
    attacker.triedCredentials = true
    const secretHash = createHash('sha256').update(credential.secret).digest('hex')
    const key = [
      event.attackerIp,
      event.decky,
      event.service,
      credential.kind,
      credential.principal,
      secretHash,
    ].join('\u0000')
    const seen = this.#credentials.get(key)
    if (seen) {
      seen.count++
      if (event.timestamp < seen.firstSeen) seen.firstSeen = event.timestamp
      if (event.timestamp > seen.lastSeen) seen.lastSeen = event.timestamp
    } else {
      this.#credentials.set(key, {
        attackerIp: event.attackerIp,
        decky: event.decky,
        service: event.service,
        ...credential,
        secretHash,
        count: 1,
        firstSeen: event.timestamp,
        lastSeen: event.timestamp,
      })
    }
  }

  result(): { credentials: CredentialAttempt[]; attackers: AttackerDelta[] } {
    return { credentials: [...this.#credentials.values()], attackers: [...this.#attackers.values()] }
  }
}
