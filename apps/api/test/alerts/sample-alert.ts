// An alert as the delivery worker hands it to a transport, with attacker-controlled text that
// tries every escape a receiver could trip over: syslog SD delimiters, HTML, newlines, non-ASCII.
import type { AlertMessage } from '@decnet/core'

export const HOSTILE_SUMMARY =
  'login root/"p\\w]d" <script>alert(1)</script><img src=http://x/y.png>\nforged line ünï'

export function sampleAlert(overrides: Partial<AlertMessage> = {}): AlertMessage {
  const key = overrides.idempotencyKey ?? `alert-${Math.random().toString(36).slice(2, 10)}`
  return {
    id: `outbox-${key}`,
    idempotencyKey: key,
    reason: 'opened',
    severity: 'high',
    createdAt: '2026-12-03T10:15:30.123Z',
    title: 'high: 203.0.113.7 logged in to web-01 (ssh) as "root" [x]',
    incident: {
      id: 'inc-0001',
      attackerIp: '203.0.113.7',
      decky: 'web-01',
      deckies: ['web-01', 'db-02'],
      services: ['ssh'],
      severity: 'high',
      reasons: ['successful login on ssh'],
      state: 'open',
      firstSeen: '2026-12-03T10:15:00.000Z',
      lastSeen: '2026-12-03T10:15:29.000Z',
      eventCount: 4,
      acknowledgedBy: null,
      acknowledgedAt: null,
      resolvedAt: null,
      note: null,
    },
    events: [
      {
        timestamp: '2026-12-03T10:15:29.000Z',
        decky: 'web-01',
        service: 'ssh',
        eventType: 'login_success',
        summary: HOSTILE_SUMMARY,
      },
    ],
    url: 'https://decnet.example/incidents/inc-0001',
    ...overrides,
  }
}
