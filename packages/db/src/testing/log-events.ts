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
