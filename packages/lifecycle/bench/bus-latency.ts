/**
 * Benchmark (spec §10): lifecycle transition → subscriber latency, target p95 ≤ 100 ms, for the
 * in-process bus and for Postgres LISTEN/NOTIFY between two connections (two API processes), with a
 * throwing subscriber attached to show it costs the others nothing.
 */
import { type Bus, InProcessBus, PostgresBus, topics } from '../src/index.ts'
import { startPostgres } from '../test/support/postgres.ts'

const EVENTS = Number(process.env.EVENTS ?? 500)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

async function measure(name: string, publisher: Bus, subscriber: Bus): Promise<number> {
  subscriber.on('decky.>', () => {
    throw new Error('a broken subscriber')
  })
  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  const abort = new AbortController()
  const stream = subscriber.subscribe('decky.*.lifecycle', { signal: abort.signal })
  const received = (async () => {
    for await (const event of stream) {
      if (event.type !== 'lifecycle') continue
      const sent = sentAt.get(event.payload.lifecycleId)
      if (sent !== undefined) latencies.push(performance.now() - sent)
      if (latencies.length === EVENTS) abort.abort()
    }
  })()
  for (let i = 0; i < EVENTS; i++) {
    const lifecycleId = `bench-${i}`
    sentAt.set(lifecycleId, performance.now())
    publisher.publish({
      topic: topics.deckyLifecycle(`decky-${i % 20}`),
      type: 'lifecycle',
      payload: {
        lifecycleId,
        decky: `decky-${i % 20}`,
        operation: 'deploy',
        status: i % 2 ? 'succeeded' : 'running',
      },
    })
    // Transitions arrive spread out in practice; a short pause keeps this a latency, not a throughput, test.
    if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 2))
  }
  await received
  const sorted = latencies.sort((a, b) => a - b)
  const p95 = percentile(sorted, 95)
  console.log(
    `${name}: ${sorted.length} transitions, p50 ${percentile(sorted, 50).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms ` +
      `(target ≤ 100 ms) ${p95 <= 100 ? 'OK' : 'OVER TARGET'}`,
  )
  return p95
}

const quiet = { onError: () => {} }
const local = new InProcessBus(quiet)
await measure('in-process bus', local, local)
await local.close()

const server = await startPostgres()
try {
  const options = { connectionString: server.url, channel: 'decnet_bench', ...quiet }
  const api1 = await PostgresBus.connect(options)
  const api2 = await PostgresBus.connect(options)
  await measure('postgres LISTEN/NOTIFY bus (process → other process)', api1, api2)
  await Promise.all([api1.close(), api2.close()])
} finally {
  server.stop()
}
