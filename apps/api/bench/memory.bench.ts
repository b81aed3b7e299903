/**
 * API resident memory with 100 deckies deployed on real Docker and idle (PRODUCT.md §10: ≤ 250 MB).
 * The API process runs the runner, collector (following every service container's log), reconciler
 * and mutator. The baseline is the same process idle with an empty fleet, measured first.
 */
import { readFileSync } from 'node:fs'
import { withBenchApi } from './bench-api.ts'

const DECKIES = 100

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
}

await withBenchApi(
  {
    DECNET_ENGINE: 'docker',
    DECNET_INSTANCE: 'benchmem',
    DECNET_SUBNET: '10.79.0.0/16',
    DECNET_GATEWAY: '10.79.0.1',
  },
  { deploymentLimit: 500 },
  async ({ admin, pid }) => {
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    const empty = rssMiB(pid)
    const started = Date.now()
    const { lifecycleIds } = await admin.fleet.deploy.mutate({
      ini: `[mem]\namount = ${DECKIES}\nservices = ssh\n`,
    })
    for (;;) {
      const { rows } = await admin.fleet.lifecycle.query({ ids: lifecycleIds })
      if (rows.every((row) => row.status === 'succeeded' || row.status === 'failed')) {
        const failed = rows.filter((row) => row.status === 'failed').length
        console.log(
          `${DECKIES} deckies terminal in ${((Date.now() - started) / 1000).toFixed(1)} s (${failed} failed)`,
        )
        break
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000))
    }
    await new Promise((resolve) => setTimeout(resolve, 20_000)) // idle: collector attached, reconciler passes
    const loaded = rssMiB(pid)
    console.log(
      `API RSS: empty fleet ${empty.toFixed(0)} MiB, ${DECKIES} deckies idle ${loaded.toFixed(0)} MiB ` +
        `(ratio ${(loaded / empty).toFixed(2)}x; target ≤ 250 MB) ${loaded * 1.048576 <= 250 ? 'ok' : 'MISSED'}`,
    )
    const torn = await admin.fleet.teardown.mutate({ all: true })
    for (;;) {
      const { rows } = await admin.fleet.lifecycle.query({ ids: torn.lifecycleIds.slice(0, 200) })
      if (rows.every((row) => row.status === 'succeeded' || row.status === 'failed')) break
      await new Promise((resolve) => setTimeout(resolve, 1_000))
    }
  },
)
