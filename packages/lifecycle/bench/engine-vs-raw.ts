/**
 * Benchmark (spec §10): 10 deckies × 3 services to "succeeded" through DockerEngine (readiness probes
 * included) versus a plain dockerode script doing the same creates/starts, both with concurrency 4,
 * in the same run against the same daemon. Prints medians and the ratio (target ≤ 1.3×).
 *
 *   pnpm --filter @decnet/lifecycle bench    (ROUNDS=5 for more rounds; BENCH_IMAGE=decnet/decoy:<decoys version> for the
 *                                             real emulators instead of the fake decoy test image)
 */
import type Docker from 'dockerode'
import { createDockerClient, type DeckySpec, DockerEngine, type NetworkContext } from '../src/index.ts'
import { bridgeNetwork, deckySpec, removeInstance, tcpService, testInstance } from '../test/support/docker.ts'
import { ensureTestImage } from '../test/support/test-image.ts'
import { rawDeploy, rawSettings } from './raw-deploy.ts'

const DECKIES = 10
const CONCURRENCY = 4
const ROUNDS = Number(process.env.ROUNDS ?? 3)

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items]
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await work(item)
    }),
  )
}

function fleet(network: NetworkContext & { prefix: string }): DeckySpec[] {
  return Array.from({ length: DECKIES }, (_, i) =>
    deckySpec(`bench-${String(i + 1).padStart(2, '0')}`, `${network.prefix}.${10 + i}`, [
      tcpService('ssh', 22),
      tcpService('http', 80),
      tcpService('ftp', 21),
    ]),
  )
}

async function removeContainers(docker: Docker, instance: string): Promise<void> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`decnet.instance=${instance}`] },
  })
  await pool(containers, CONCURRENCY, (c) => docker.getContainer(c.Id).remove({ force: true, v: true }))
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

async function main(): Promise<void> {
  const docker = createDockerClient()
  const image = process.env.BENCH_IMAGE ?? (await ensureTestImage(docker))
  const instance = testInstance()
  const networkName = `${instance}_lan`
  const network = bridgeNetwork()
  const specs = fleet(network)
  const engine = new DockerEngine({ image, instance, networkName, readinessTimeoutMs: 30_000 })
  const settings = rawSettings(instance, networkName, (await docker.getImage(image).inspect()).Id)
  const engineMs: number[] = []
  const rawMs: number[] = []
  try {
    // The LAN exists before either side is timed; the engine then only verifies it.
    await engine.deploy(specs[0] as DeckySpec, network)
    await removeContainers(docker, instance)
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which side goes first so daemon warm-up does not favour one.
      const sides = round % 2 ? (['engine', 'raw'] as const) : (['raw', 'engine'] as const)
      for (const side of sides) {
        const started = performance.now()
        if (side === 'engine') await pool(specs, CONCURRENCY, (spec) => engine.deploy(spec, network))
        else await pool(specs, CONCURRENCY, (spec) => rawDeploy(docker, settings, spec))
        const elapsed = performance.now() - started
        ;(side === 'engine' ? engineMs : rawMs).push(elapsed)
        console.log(`round ${round} ${side.padEnd(6)} ${elapsed.toFixed(0)} ms`)
        await removeContainers(docker, instance)
      }
    }
  } finally {
    await removeInstance(docker, instance)
  }
  const engineMedian = median(engineMs)
  const rawMedian = median(rawMs)
  const ratio = engineMedian / rawMedian
  console.log(
    `${image}: ${DECKIES} deckies × 3 services, concurrency ${CONCURRENCY}, ${ROUNDS} rounds: ` +
      `engine (to reachable) median ${engineMedian.toFixed(0)} ms, raw dockerode median ${rawMedian.toFixed(0)} ms, ` +
      `ratio ${ratio.toFixed(2)}× (target ≤ 1.3×) ${ratio <= 1.3 ? 'OK' : 'OVER TARGET'}`,
  )
}

await main()
