// One log event as one terminal line: time, decky, service, event, attacker, and a short summary of
// its fields. Every part may be attacker text (a username, a command, a path), so each is escaped.
import type { Log } from '@decnet/core'
import { clipped, terminalSafe } from './terminal-text.ts'

const SUMMARY_MAX = 120
/** Fields worth reading first, in this order; the rest follow as they come. */
const FIRST_FIELDS = ['username', 'password', 'command', 'method', 'path', 'uri', 'query', 'user_agent']

function fieldText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** `key=value` pairs, the most telling first, escaped and clipped to one short line. */
export function logSummary(fields: Log['fields']): string {
  const keys = Object.keys(fields)
  const ordered = [
    ...FIRST_FIELDS.filter((key) => keys.includes(key)),
    ...keys.filter((key) => !FIRST_FIELDS.includes(key)),
  ]
  const text = ordered
    .filter((key) => fields[key] !== null && fields[key] !== undefined && fields[key] !== '')
    .map((key) => `${key}=${fieldText(fields[key])}`)
    .join(' ')
  return clipped(terminalSafe(text), SUMMARY_MAX)
}

export function logLine(row: Log): string {
  const cell = (text: string, width: number) => clipped(terminalSafe(text), width).padEnd(width)
  return [
    row.timestamp,
    cell(row.decky, 20),
    cell(row.service, 10),
    cell(row.eventType, 20),
    cell(row.attackerIp ?? '-', 15),
    `${row.system ? '[system] ' : ''}${logSummary(row.fields)}`,
  ]
    .join(' ')
    .trimEnd()
}
