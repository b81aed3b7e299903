// The message "send test" delivers: shaped like a real alert (so the receiver's parsing and the
// format's rendering are exercised) but plainly a test, from a documentation address (RFC 5737).
import { randomUUID } from 'node:crypto'
import { type AlertMessage, NO_OPERATOR_ACTION } from '@decnet/core'

export function testAlertMessage(channelName: string, now = new Date()): AlertMessage {
  const id = `test-${randomUUID()}`
  const at = now.toISOString()
  return {
    id,
    idempotencyKey: id,
    reason: 'test',
    severity: 'low',
    createdAt: at,
    title: `DECNET test alert for channel "${channelName}"`,
    incident: {
      id,
      attackerIp: '192.0.2.1',
      decky: 'test-decky',
      deckies: ['test-decky'],
      services: ['ssh'],
      severity: 'low',
      reasons: ['test alert sent from DECNET'],
      state: 'open',
      firstSeen: at,
      lastSeen: at,
      eventCount: 1,
      ...NO_OPERATOR_ACTION,
    },
    events: [
      {
        timestamp: at,
        decky: 'test-decky',
        service: 'ssh',
        eventType: 'test',
        summary: 'this is a test alert',
      },
    ],
    url: null,
  }
}
