// Acceptance (issue 15): kill -9 of the API with 100 undelivered alerts (receiver down), restart,
// receiver up: every alert is delivered exactly once as the receiver's idempotency check sees it, and
// none is lost. The real API process (src/main.ts), its SQLite file, a real receiver on loopback.
import path from 'node:path'
import { createDatabase } from '@decnet/db'
import { afterAll, describe, expect, it } from 'vitest'
import { testAlertMessage } from '../src/alerts/test-alert.ts'
import { login, NEW_ADMIN_PASSWORD, readyAdmin } from './support/accounts.ts'
import { freePort } from './support/ports.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'
import { eventually } from './support/wait.ts'
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts'

const HMAC_KEY = 'kill9-receiver-hmac-key-0123456789'
const ALERTS = 100

const ENV = {
  DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator',
  DECNET_SECRET_KEY: 'kill9-test-secret-key-0123456789abcdef',
  DECNET_ALERT_ALLOWED_TARGETS: '127.0.0.1',
  DECNET_ALERT_TIMEOUT_MS: '1000',
  DECNET_ALERT_RETRY_BASE_MS: '200',
  DECNET_ALERT_RETRY_MAX_MS: '1000',
  DECNET_ALERT_BREAKER_COOLDOWN_MS: '1000',
}

describe('alert delivery survives kill -9', () => {
  let first: ServerProcess | undefined
  let second: ServerProcess | undefined
  let receiver: WebhookReceiver | undefined
  afterAll(async () => {
    if (receiver)
      console.log(`kill -9: receiver saw ${receiver.requests} requests, ${receiver.duplicates} duplicate(s)`)
    await receiver?.close()
    await second?.stop()
    await first?.stop()
  })

  it('100 alerts raised while the receiver is down are each delivered exactly once after a SIGKILL and restart', async () => {
    const receiverPort = await freePort()
    first = await startServerProcess(ENV)
    const { client: admin } = await readyAdmin(first)
    const channel = await admin.alerts.channels.create.mutate({
      name: 'kill9',
      kind: 'webhook',
      config: { url: `http://127.0.0.1:${receiverPort}/hook` },
      secrets: { hmacKey: HMAC_KEY },
    })

    // The outbox rows, committed as the grouping worker would (another process on the same SQLite file).
    const db = createDatabase(`file:${path.join(first.dataDir, 'decnet.db')}`)
    const keys: string[] = []
    try {
      for (let i = 0; i < ALERTS; i++) {
        const { id: _id, ...message } = testAlertMessage('kill9')
        const key = `kill9-alert-${i}`
        keys.push(key)
        await db.incidents.addAlert({ ...message, reason: 'opened', idempotencyKey: key, incidentId: null })
      }
    } finally {
      await db.close()
    }
    // Fanned out and tried: the receiver is down, so every attempt so far failed.
    const before = await eventually(
      () => admin.alerts.deliveries.list.query({ channelId: channel.id, limit: 500 }),
      (rows) => rows.length === ALERTS && rows.some((row) => row.attempts > 0),
      'the alerts fanned out and attempted',
    )
    expect(before.filter((row) => row.status === 'delivered')).toEqual([])
    const [failing] = (await admin.alerts.channels.list.query()).filter((c) => c.id === channel.id)
    expect(failing?.lastError).toMatch(/ECONNREFUSED/)

    await first.kill('SIGKILL')
    second = await startServerProcess(ENV, first.dataDir)
    receiver = await startWebhookReceiver(HMAC_KEY, { port: receiverPort })
    const { client: again } = await login(second, 'admin', NEW_ADMIN_PASSWORD)

    await eventually(
      async () => receiver?.accepted.length ?? 0,
      (count) => count >= ALERTS,
      'every alert at the receiver',
      60_000,
    )
    const after = await eventually(
      () => again.alerts.deliveries.list.query({ channelId: channel.id, limit: 500 }),
      (rows) => rows.every((row) => row.status === 'delivered'),
      'every delivery recorded as delivered',
    )
    expect(after).toHaveLength(ALERTS)
    // Exactly once as the receiver's idempotency check sees it: each key accepted once, none missing.
    expect(receiver.accepted.map((each) => each.key).sort()).toEqual([...keys].sort())
    expect(receiver.badSignatures).toBe(0)
    const [healthy] = (await again.alerts.channels.list.query()).filter((c) => c.id === channel.id)
    expect(healthy?.health).toBe('healthy')
    expect(healthy?.backlog).toBe(0)
  }, 180_000)
})
