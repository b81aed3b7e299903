import type { IntelEvent } from '../../src/intel/types.ts'

/** A stored event as ingest hands it to the analysis. */
export function event(
  eventType: string,
  service: string,
  fields: Record<string, unknown> = {},
  timestamp = new Date('2026-12-03T12:00:00Z'),
): IntelEvent {
  return {
    timestamp,
    decky: 'decky-01',
    service,
    eventType,
    attackerIp: '203.0.113.7',
    attackerPort: 40123,
    fields,
  }
}

/** A shell command as the SSH/telnet emulators emit it. */
export const shellCommand = (cmd: string, via = 'ssh'): IntelEvent =>
  event('command', via === 'telnet' ? 'telnet' : 'ssh', { username: 'root', cmd, cwd: '/root', via })

/** An HTTP request event as framework/http.ts emits it. */
export const httpRequest = (fields: Record<string, unknown>): IntelEvent =>
  event('request', 'http', {
    method: 'GET',
    path: '/',
    host: '10.0.0.5',
    user_agent: null,
    headers: '{"host":"10.0.0.5"}',
    body: '',
    body_bytes: 0,
    status: 200,
    tls: false,
    ...fields,
  })
