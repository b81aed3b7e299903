// A decoy event as ingest receives it, for tests of every layer that stores or reads logs.
import type { LogEventInput } from '../types.ts'

/** A login attempt from 203.0.113.7 on decky-01's ssh at 2026-11-25 10:00 UTC; tests override the rest. */
export function logEventFixture(overrides: Partial<LogEventInput> = {}): LogEventInput {
  return {
    timestamp: new Date('2026-11-25T10:00:00Z'),
    decky: 'decky-01',
    service: 'ssh',
    eventType: 'login_attempt',
    attackerIp: '203.0.113.7',
    attackerPort: 50000,
    rawLine: 'login attempt',
    fields: {},
    ...overrides,
  }
}

/** What bench traffic is made of: a failed root login and a shell command over ssh, a GET over http. */
export type AttackKind = 'login' | 'command' | 'request'

/** Event `n` of bench traffic of `kind` from `base` (its source, decky, time, raw line). */
export function attackEventFixture(
  kind: AttackKind,
  base: Omit<LogEventInput, 'service' | 'eventType' | 'fields'>,
  n: number,
  path = '/',
): LogEventInput {
  if (kind === 'login')
    return {
      ...base,
      service: 'ssh',
      eventType: 'auth_attempt',
      fields: { username: 'root', password: `pw${n % 7}`, success: false },
    }
  if (kind === 'command')
    return { ...base, service: 'ssh', eventType: 'command', fields: { command: `id #${n}` } }
  return { ...base, service: 'http', eventType: 'request', fields: { method: 'GET', path } }
}
