// Small builders shared by the suites.
import { inject } from 'vitest'
import { testDatabases } from '../src/testing/databases.ts'
import type { DeckyInput, LogEventInput } from '../src/types.ts'

/** One SQLite and one PostgreSQL provider; suites run `describe.each(databases())`. */
export const databases = () => testDatabases(inject('postgresAdminUrl'))

export function decky(name: string, ip: string, overrides: Partial<DeckyInput> = {}): DeckyInput {
  return {
    name,
    ip,
    mac: '00:1a:2b:3c:4d:5e',
    hostname: `${name}-host`,
    distro: 'debian',
    services: ['ssh', 'http'],
    serviceConfig: { ssh: { version: 'OpenSSH_8.9' } },
    osFamily: 'linux',
    ...overrides,
  }
}

export function event(overrides: Partial<LogEventInput> = {}): LogEventInput {
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
