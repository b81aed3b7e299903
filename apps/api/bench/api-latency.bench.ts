/**
 * Request latency while deploys are in flight (PRODUCT.md §10): p99 of fleet.deploy (1 decky) ≤ 50 ms and
 * of fleet.list / health.get ≤ 25 ms while 20 deckies deploy on an engine slowed on purpose. The same
 * calls against the idle API, measured first in the same run, are the baseline.
 */
import { performance } from 'node:perf_hooks'
import type { Client } from '../test/support/clients.ts'
import { percentile, withBenchApi } from './bench-api.ts'

const SAMPLES = { deploy: 60, list: 300, health: 300 }

async function time(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await call()
  return performance.now() - started
}

let deckyCounter = 0
async function measure(admin: Client, label: string): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = { 'fleet.deploy': [], 'fleet.list': [], 'health.get': [] }
  for (let i = 0; i < SAMPLES.list; i++) {
    samples['fleet.list']!.push(await time(() => admin.fleet.list.query()))
    samples['health.get']!.push(await time(() => admin.health.get.query()))
    if (i % 5 === 0 && samples['fleet.deploy']!.length < SAMPLES.deploy) {
      const name = `${label}-${++deckyCounter}`
      samples['fleet.deploy']!.push(
        await time(() => admin.fleet.deploy.mutate({ ini: `[${name}]\nservices = ssh\n` })),
      )
    }
  }
  return samples
}

await withBenchApi(
  {
    DECNET_ENGINE: 'local',
    DECNET_ENGINE_DELAY_MS: '4000',
    DECNET_SUBNET: '10.77.0.0/16',
    DECNET_GATEWAY: '10.77.0.1',
  },
  { deploymentLimit: 500 },
  async ({ admin }) => {
    for (let i = 0; i < 20; i++) await admin.fleet.list.query() // warm up
    const idle = await measure(admin, 'idle')
    // Let the idle run's deploys drain, then start 20 slow deploys and measure while they run.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const busy = await admin.fleet.deploy.mutate({ ini: '[slow]\namount = 20\nservices = ssh, http\n' })
    const loaded = await measure(admin, 'busy')
    const { rows } = await admin.fleet.lifecycle.query({ ids: busy.lifecycleIds })
    const stillDeploying = rows.filter((row) => row.status === 'pending' || row.status === 'running').length

    const targets: Record<string, number> = { 'fleet.deploy': 50, 'fleet.list': 25, 'health.get': 25 }
    console.log(`\nAPI latency while 20 deckies deploy on a slowed engine (4 s per operation, concurrency 4)`)
    console.log(`${stillDeploying}/20 of the slow deploys were still pending/running when measuring ended\n`)
    console.log(
      'procedure       idle p50   idle p99   busy p50   busy p95   busy p99   target p99   ratio p99',
    )
    for (const name of Object.keys(targets)) {
      const a = idle[name]!
      const b = loaded[name]!
      const ok = percentile(b, 99) <= targets[name]! ? 'ok' : 'MISSED'
      console.log(
        `${name.padEnd(15)} ${percentile(a, 50).toFixed(2).padStart(8)}ms ${percentile(a, 99).toFixed(2).padStart(8)}ms ` +
          `${percentile(b, 50).toFixed(2).padStart(8)}ms ${percentile(b, 95).toFixed(2).padStart(8)}ms ${percentile(b, 99).toFixed(2).padStart(8)}ms ` +
          `${`≤ ${targets[name]} ms`.padStart(11)} ${(percentile(b, 99) / percentile(a, 99)).toFixed(2).padStart(8)}x  ${ok}`,
      )
    }
  },
)
