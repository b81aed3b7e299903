/**
 * Alert delivery latency at idle (PRODUCT.md §10): from an Alert outbox row committed (as the grouping
 * worker commits it, from another process on the same SQLite file) to the webhook request arriving
 * at a receiver on loopback that verifies its HMAC signature. Target p95 ≤ 250 ms.
 */
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createDatabase } from '@decnet/db'
import { testAlertMessage } from '../src/alerts/test-alert.ts'
import { startWebhookReceiver } from '../test/support/webhook-receiver.ts'
import { percentile, withBenchApi } from './bench-api.ts'

const SAMPLES = Number(process.env.BENCH_ALERTS ?? 200)
const HMAC_KEY = 'bench-receiver-hmac-key-0123456789'
const TARGET_P95_MS = 250

const receiver = await startWebhookReceiver(HMAC_KEY)
const arrivals = new Map<string, number>()
const waiting = new Map<string, () => void>()
// The receiver records in order; watch it for each key's arrival time.
const watch = setInterval(() => {
  for (const { key } of receiver.accepted) {
    if (arrivals.has(key)) continue
    arrivals.set(key, performance.now())
    waiting.get(key)?.()
  }
}, 1)

try {
  await withBenchApi(
    {
      DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator',
      DECNET_SECRET_KEY: 'bench-alerts-secret-key-0123456789abcdef',
      DECNET_ALERT_ALLOWED_TARGETS: '127.0.0.1',
    },
    {},
    async ({ admin, dataDir }) => {
      await admin.alerts.channels.create.mutate({
        name: 'bench',
        kind: 'webhook',
        config: { url: receiver.url },
        secrets: { hmacKey: HMAC_KEY },
      })
      const db = createDatabase(`file:${path.join(dataDir, 'decnet.db')}`)
      const latencies: number[] = []
      try {
        for (let i = 0; i < SAMPLES + 10; i++) {
          const key = `bench-${i}`
          const { id: _id, ...message } = testAlertMessage('bench')
          const arrived = new Promise<void>((resolve) => waiting.set(key, resolve))
          const started = performance.now()
          await db.incidents.addAlert({ ...message, reason: 'opened', idempotencyKey: key, incidentId: null })
          await arrived
          // The first 10 warm the path up (JIT, connections, prepared statements).
          if (i >= 10) latencies.push((arrivals.get(key) ?? Number.NaN) - started)
          // Idle between alerts, at a phase that wanders against the worker's poll.
          await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80))
        }
      } finally {
        await db.close()
      }
      const p95 = percentile(latencies, 95)
      console.log(
        `\nAlert row committed → webhook delivered (HMAC verified), idle, ${SAMPLES} alerts, SQLite\n`,
      )
      console.log('p50        p95        p99        max        target p95')
      console.log(
        `${percentile(latencies, 50).toFixed(1).padStart(7)}ms ${p95.toFixed(1).padStart(7)}ms ` +
          `${percentile(latencies, 99).toFixed(1).padStart(7)}ms ${Math.max(...latencies)
            .toFixed(1)
            .padStart(7)}ms ` +
          `${`≤ ${TARGET_P95_MS} ms`.padStart(11)}  ${p95 <= TARGET_P95_MS ? 'ok' : 'MISSED'}`,
      )
      console.log(
        `receiver: ${receiver.accepted.length} accepted, ${receiver.duplicates} duplicates, ${receiver.badSignatures} bad signatures`,
      )
      if (p95 > TARGET_P95_MS) process.exitCode = 1
    },
  )
} finally {
  clearInterval(watch)
  await receiver.close()
}
