import { type EngineKind, LOCAL_HOST_ID } from '@decnet/core'
import type { DecnetDatabase } from '@decnet/db'
import {
  type Bus,
  type CollectorWorker,
  LocalEngine,
  startCollectorWorker,
  startMutatorWorker,
} from '@decnet/lifecycle'
import type Docker from 'dockerode'
import type { ApiConfig } from '../config.ts'
import type { HostsHandle, ReconcilerHandle, RunnerHandle } from '../context.ts'
import { hostsWithUnsweptLeftovers } from '../hosts/leftovers.ts'
import type { SecretBox } from '../hosts/secret-box.ts'
import { cryptoRandom } from '../random.ts'
import type { FleetNetwork } from '../settings/network.ts'
import { readFleetNetwork } from '../settings/network.ts'
import { createEngine, engineInstance } from './engine.ts'
import { startHostHeartbeat } from './host-heartbeat.ts'
import { EnrolledHostWorkers, HostRuntime } from './host-workers.ts'
import { type LocalEngineState, watchLocalEngine } from './local-engine-watch.ts'
import { toNetworkContext } from './network-context.ts'

export type WorkerDeps = {
  config: ApiConfig
  /** Opens enrolled hosts' sealed TLS material; without it enrolled hosts are not pinged. */
  secrets: SecretBox | undefined
  db: DecnetDatabase
  bus: Bus
  docker: Docker
  engine: EngineKind
  defaultNetwork: FleetNetwork
  log: (line: string) => void
}

export type Workers = {
  runner: RunnerHandle
  reconciler: ReconcilerHandle
  hosts: HostsHandle
  /** Where a decky answers from this machine: its loopback address on the local engine, else undefined. */
  localAddressOf(name: string): string | undefined
  /** The local engine as last pinged (placement skips it while it does not answer). */
  localEngine(): LocalEngineState
  stop(): Promise<void>
}

const HEARTBEAT_MS = 10_000

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
  // The local engine's decoys live in this process: stopping the workers lets go of their listeners.
  if (engine instanceof LocalEngine) stops.push(() => engine.close())
  const localEngine = await watchLocalEngine(deps.engine, docker, config.hostHeartbeatMs)
  stops.push(async () => localEngine.stop())
  const runtimeOptions = {
    db,
    bus,
    runRows: config.workers.runner,
    leaseMs: config.runnerLeaseMs,
    concurrency: config.runnerConcurrency,
    report,
    repair: { maxAttempts: config.repairAttempts, backoffMs: config.repairBackoffMs },
  }
  const local = new HostRuntime(
    LOCAL_HOST_ID,
    engine,
    async () => toNetworkContext(await readFleetNetwork(db, deps.defaultNetwork)),
    runtimeOptions,
  )
  local.start()
  stops.push(() => local.stop())
  if (config.workers.runner) {
    beats.push(() => db.heartbeats.beat({ worker: 'runner', status: 'ok', detail: `engine ${engine.kind}` }))
  }

  // Enrolled hosts need their sealed TLS material opened: without DECNET_SECRET_KEY only local runs.
  const enrolled = deps.secrets
    ? new EnrolledHostWorkers({
        ...runtimeOptions,
        secrets: deps.secrets,
        collector,
        heartbeatMs: config.hostHeartbeatMs,
        orphanSweepMs: config.orphanSweepMs,
        log,
        wake: () => wakeRunners(),
      })
    : undefined
  if (!enrolled) {
    const waiting = (await db.hosts.list()).filter((host) => host.status !== 'decommissioned')
    if (waiting.length > 0) {
      log(
        `decnet hosts: ${waiting.length} enrolled host(s) not driven: set DECNET_SECRET_KEY to open their TLS material`,
      )
    }
  }
  if (enrolled) {
    await enrolled.sync().catch(report('hosts'))
    const active = enrolled
    stops.push(() => active.stop())
  }
  const runtimes = () => [local, ...(enrolled?.all ?? [])]

  if (config.workers.reconciler) {
    const timer = setInterval(() => {
      for (const runtime of runtimes()) runtime.reconciler.runOnce().catch(report('reconciler'))
    }, config.reconcileMs)
    stops.push(async () => clearInterval(timer))
    // The worst pass among the hosts: an engine that cannot be asked, or repairs given up.
    beats.push(() => {
      const troubled = runtimes()
        .map((runtime) => ({ hostId: runtime.hostId, health: runtime.reconciler.health() }))
        .filter(({ health }) => health.status !== 'ok')
      return db.heartbeats.beat({
        worker: 'reconciler',
        status: troubled.length > 0 ? 'degraded' : 'ok',
        detail:
          troubled.length > 0
            ? troubled
                .map(({ hostId, health }) => `${hostId}: ${health.detail}`)
                .join('; ')
                .slice(0, 500)
            : `every ${config.reconcileMs / 1000} s`,
      })
    })
  }

  if (config.workers.mutator) {
    const mutator = startMutatorWorker({
      db,
      bus,
      wake: () => wakeRunners(),
      random: cryptoRandom,
      // The local engine when it answers, and the enrolled hosts that do (and can be driven).
      answeringHosts: async () => {
        const hosts = deps.secrets ? await db.hosts.list() : []
        return new Set([
          ...(localEngine.state().up ? [LOCAL_HOST_ID] : []),
          ...hosts
            .filter((host) => host.status === 'active' || host.status === 'decommissioning')
            .map((host) => host.id),
        ])
      },
      onError: report('mutator'),
    })
    stops.push(() => mutator.stop())
  }

  if (deps.secrets && enrolled) {
    const hosts = startHostHeartbeat({
      db,
      secrets: deps.secrets,
      intervalMs: config.hostHeartbeatMs,
      onUnreachable: (host, reason) => enrolled.markUnreachable(host, reason),
      onLostWhileDecommissioning: (host, reason) => enrolled.markSilentWhileDecommissioning(host, reason),
      onRound: () => enrolled.sync(),
      leftoverHosts: () => hostsWithUnsweptLeftovers(db),
      onLeftoversReachable: (host) => enrolled.sweepLeftovers(host),
      log,
    })
    // Stopped before the host workers (pushed later, so it stops first).
    stops.push(() => hosts.stop())
  }

  function wakeRunners() {
    for (const runtime of runtimes()) runtime.runner?.wake()
  }

  const beatAll = () => {
    for (const beat of beats) beat().catch(report('heartbeat'))
  }
  beatAll()
  const heartbeat = setInterval(beatAll, HEARTBEAT_MS)

  return {
    runner: { wake: wakeRunners },
    hosts: { sync: () => enrolled?.sync() ?? Promise.resolve() },
    localAddressOf: (name) => (engine instanceof LocalEngine ? engine.addressOf(name) : undefined),
    localEngine: localEngine.state,
    reconciler: {
      reapOrphans: async () => {
        const reports = await Promise.all(runtimes().map((runtime) => runtime.reapOrphans()))
        return {
          containersRemoved: reports.flatMap((each) => each.containersRemoved),
          networksRemoved: reports.flatMap((each) => each.networksRemoved),
          errors: reports.flatMap((each) => each.errors),
        }
      },
    },
    async stop() {
      clearInterval(heartbeat)
      // Runner and reconciler first, collection last, so every event already received is stored.
      for (const stop of stops.reverse()) await stop()
    },
  }
}
