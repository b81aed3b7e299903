import type { DecnetDatabase } from '@decnet/db'
import {
  type Bus,
  type CollectorWorker,
  LifecycleRunner,
  LocalEngine,
  Reconciler,
  startCollectorWorker,
  startMutatorWorker,
} from '@decnet/lifecycle'
import type Docker from 'dockerode'
import type { ApiConfig } from '../config.ts'
import type { ReconcilerHandle, RunnerHandle } from '../context.ts'
import type { SecretBox } from '../hosts/secret-box.ts'
import { cryptoRandom } from '../random.ts'
import type { FleetNetwork } from '../settings/network.ts'
import { createEngine, engineInstance } from './engine.ts'
import { createExecutor } from './executor.ts'
import { startHostHeartbeat } from './host-heartbeat.ts'

export type WorkerDeps = {
  config: ApiConfig
  /** Opens enrolled hosts' sealed TLS material; without it enrolled hosts are not pinged. */
  secrets: SecretBox | undefined
  db: DecnetDatabase
  bus: Bus
  docker: Docker
  engine: 'docker' | 'local'
  defaultNetwork: FleetNetwork
  log: (line: string) => void
}

export type Workers = {
  runner: RunnerHandle
  reconciler: ReconcilerHandle
  /** Where a decky answers from this machine: its loopback address on the local engine, else undefined. */
  localAddressOf(name: string): string | undefined
  stop(): Promise<void>
}

const HEARTBEAT_MS = 10_000
const RECONCILE_MS = 15_000

/**
 * Starts the background workers this process runs (DECNET_DISABLE_WORKERS turns some off, e.g. to run
 * them in another process). Each reports a heartbeat that health.get reads.
 */
export async function startWorkers(deps: WorkerDeps): Promise<Workers> {
  const { config, db, bus, docker, log } = deps
  const report = (worker: string) => (error: unknown) =>
    log(`decnet ${worker}: ${error instanceof Error ? error.message : String(error)}`)
  const stops: (() => Promise<void>)[] = []
  const beats: (() => Promise<void>)[] = []

  // Collection first: the local engine hands its decoy events straight to the ingest pipeline.
  let collector: CollectorWorker | undefined
  if (config.workers.collector) {
    collector = await startCollectorWorker({
      db,
      bus,
      engine: deps.engine,
      connection: config.dockerHost ? { dockerHost: config.dockerHost } : {},
      instance: engineInstance(),
      onError: (error, context) => report(`collector (${context})`)(error),
    })
    const active = collector
    stops.push(() => active.stop())
  }
  const engine = createEngine(deps.engine, docker, (event) => collector?.eventSink(event))

  let runner: LifecycleRunner | undefined
  if (config.workers.runner) {
    runner = new LifecycleRunner({
      queue: db.lifecycle,
      bus,
      execute: createExecutor({ db, engine, defaultNetwork: deps.defaultNetwork }),
      leaseMs: config.runnerLeaseMs,
      concurrency: config.runnerConcurrency,
      onError: report('runner'),
    })
    runner.start()
    const active = runner
    stops.push(() => active.stop())
    beats.push(() => db.heartbeats.beat({ worker: 'runner', status: 'ok', detail: `engine ${engine.kind}` }))
  }

  const reconciler = new Reconciler({
    engine,
    bus,
    store: {
      list: async () => (await db.fleet.list()).map(({ name, state }) => ({ name, state })),
      setState: async (name, state) => {
        await db.fleet.setState(name, state)
      },
    },
    onError: report('reconciler'),
  })
  if (config.workers.reconciler) {
    const timer = setInterval(() => {
      reconciler.runOnce().catch(report('reconciler'))
    }, RECONCILE_MS)
    stops.push(async () => clearInterval(timer))
    beats.push(() =>
      db.heartbeats.beat({ worker: 'reconciler', status: 'ok', detail: `every ${RECONCILE_MS / 1000} s` }),
    )
  }

  if (config.workers.mutator) {
    const mutator = startMutatorWorker({
      db,
      bus,
      wake: () => runner?.wake(),
      random: cryptoRandom,
      onError: report('mutator'),
    })
    stops.push(() => mutator.stop())
  }

  if (deps.secrets) {
    const hosts = startHostHeartbeat({ db, secrets: deps.secrets, intervalMs: config.hostHeartbeatMs, log })
    stops.push(() => hosts.stop())
  }

  const beatAll = () => {
    for (const beat of beats) beat().catch(report('heartbeat'))
  }
  beatAll()
  const heartbeat = setInterval(beatAll, HEARTBEAT_MS)

  return {
    runner: { wake: () => runner?.wake() },
    localAddressOf: (name) => (engine instanceof LocalEngine ? engine.addressOf(name) : undefined),
    reconciler: {
      reapOrphans: async () => engine.reapOrphans((await db.fleet.list()).map((decky) => decky.name)),
    },
    async stop() {
      clearInterval(heartbeat)
      // Runner and reconciler first, collection last, so every event already received is stored.
      for (const stop of stops.reverse()) await stop()
    },
  }
}
