// The delivery worker on its own (a real SQLite database, a real receiver): an admin's edit while
// sends are in flight rebuilds the channel's transport without losing the channel's slots, and the
// sends of the old settings do not decide the new settings' breaker.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { NO_OPERATOR_ACTION } from '@decnet/core'
import { createDatabase, type DecnetDatabase, migrate } from '@decnet/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_DELIVERY_SETTINGS, DeliveryWorker } from '../src/alerts/delivery-worker.ts'
import { parseAllowedTargets } from '../src/alerts/target-guard.ts'
import { createSecretBox } from '../src/secrets/secret-box.ts'
import { eventually } from './support/wait.ts'
import { startWebhookReceiver } from './support/webhook-receiver.ts'

const HMAC_KEY = 'worker-receiver-hmac-key-0123456789'

describe('delivery worker', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'decnet-alert-worker-'))
  let db: DecnetDatabase
  beforeAll(async () => {
    const url = `file:${path.join(dir, 'decnet.db')}`
    await migrate(url)
    db = createDatabase(url)
  })
  afterAll(async () => {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('an edit while every slot is in flight keeps the slots: the backlog drains with the new settings', async () => {
    const secrets = createSecretBox('worker-test-secret-key-0123456789abcdef')
    const receiver = await startWebhookReceiver(HMAC_KEY, { mode: 'hang' })
    const worker = new DeliveryWorker({
      db,
      secrets,
      allowedLocal: parseAllowedTargets('127.0.0.1'),
      apiPort: 1,
      alertFileDir: dir,
      log: () => {},
      // A long deadline: the sends are still in flight when the channel is edited.
      settings: { ...DEFAULT_DELIVERY_SETTINGS, timeoutMs: 60_000, channelSlots: 4 },
    })
    try {
      const channel = await db.channels.create({
        name: 'edited',
        kind: 'webhook',
        config: { url: receiver.url, format: 'json' },
        sealedSecrets: secrets.seal(JSON.stringify({ hmacKey: HMAC_KEY })),
        minSeverity: 'low',
        enabled: true,
        allowPrivateTargets: false,
      })
      const message = (key: string) =>
        JSON.stringify({
          id: key,
          idempotencyKey: key,
          reason: 'test',
          severity: 'low',
          createdAt: new Date().toISOString(),
          title: key,
          incident: {
            id: key,
            attackerIp: '192.0.2.1',
            decky: 'd',
            deckies: ['d'],
            services: [],
            severity: 'low',
            reasons: [],
            state: 'open',
            firstSeen: new Date().toISOString(),
            lastSeen: new Date().toISOString(),
            eventCount: 1,
            ...NO_OPERATOR_ACTION,
          },
          events: [],
          url: null,
        })
      const keys = Array.from({ length: 6 }, (_, i) => `edit-${i}`)
      await db.deliveries.enqueue(
        keys.map((key) => ({
          alertId: key,
          channelId: channel.id,
          idempotencyKey: key,
          severity: 'low',
          message: message(key),
        })),
      )
      worker.start()
      await eventually(
        async () => receiver.requests,
        (n) => n === 4,
        'every slot in flight',
      )
      // The admin edits the channel (new format) while those four sends hang.
      await db.channels.update(channel.id, { config: { url: receiver.url, format: 'slack' } })
      worker.wake()
      await new Promise((resolve) => setTimeout(resolve, 300))
      receiver.mode = 'accept'
      receiver.releaseHanging()
      await eventually(
        async () => new Set(receiver.accepted.map((each) => each.key)).size,
        (n) => n === keys.length,
        'the whole backlog delivered after the edit',
      )
      const stored = await db.channels.get(channel.id)
      // The hung-up sends of the old settings did not open (or count against) the new settings' breaker.
      expect(stored?.breakerState).toBe('closed')
      expect(stored?.consecutiveFailures).toBe(0)
      // New settings: Slack-shaped bodies.
      expect(
        receiver.accepted.every((each) => typeof (each.body as { text?: unknown }).text === 'string'),
      ).toBe(true)
    } finally {
      await worker.stop()
      await receiver.close()
    }
  }, 120_000)
})
