// The facts of an alert every human-readable rendering shows, in one order, so the plain-text and
// HTML parts of an email (and any later text channel) never drift apart. Values are raw: each
// renderer escapes for its own medium.
import type { AlertMessage } from '@decnet/core'

export interface AlertFact {
  label: string
  value: string
}

/** C0/C1 control characters (newlines included) become U+FFFD: attacker text must not forge lines. */
export function withoutControlCharacters(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD')
}

const REASON_TEXT: Record<AlertMessage['reason'], string> = {
  opened: 'New incident',
  escalated: 'Incident escalated',
  digest: 'Incident activity digest',
  test: 'Test alert',
}

export function reasonText(message: AlertMessage): string {
  return REASON_TEXT[message.reason]
}

export function alertFacts(message: AlertMessage): AlertFact[] {
  const { incident } = message
  return [
    { label: 'Severity', value: incident.severity },
    { label: 'Source IP', value: incident.attackerIp },
    { label: 'Decky', value: incident.decky },
    { label: 'Deckies touched', value: incident.deckies.join(', ') },
    { label: 'Services', value: incident.services.join(', ') },
    { label: 'Why', value: incident.reasons.join('; ') },
    { label: 'State', value: incident.state },
    { label: 'Events', value: String(incident.eventCount) },
    { label: 'First seen', value: incident.firstSeen },
    { label: 'Last seen', value: incident.lastSeen },
    { label: 'Incident', value: incident.id },
    { label: 'Idempotency key', value: message.idempotencyKey },
  ]
}

/** One line per recent event: "timestamp decky/service eventType: summary". */
export function eventLine(event: AlertMessage['events'][number]): string {
  return `${event.timestamp} ${event.decky}/${event.service} ${event.eventType}: ${event.summary}`
}
