import { channelHealth, type EngineKind, LOCAL_HOST_ID } from '@decnet/core'
import { type DecnetDatabase, parseDatabaseUrl } from '@decnet/db'
import {
  artifactPaths,
  type Bus,
  type CollectorHandle,
  createArtifactStore,
  createFetcher,
  createGeoLookup,
  type DeckyEngine,
  databaseProbeLedger,
  EnrichmentWorker,
  egressGuard,
  gatewayAttachment,
  isWorkerPaused,
  LocalEngine,
  ReverseDns,
  startArtifactGateway,
  startCollectorThread,
  startCollectorWorker,
  startCorrelationWorker,
  startIncidentWorker,
  startMutatorWorker,
} from '@decnet/lifecycle'
import type Docker from 'dockerode'
import { DEFAULT_DELIVERY_SETTINGS, DeliveryWorker } from '../alerts/delivery-worker.ts'
import type { ApiConfig } from '../config.ts'
import type { AlertsHandle, HostsHandle, ImagesHandle, ReconcilerHandle, RunnerHandle } from '../context.ts'
import { hostsWithUnsweptLeftovers } from '../hosts/leftovers.ts'
import { ImageRolloutWorker } from '../images/rollout-worker.ts'
import { cryptoRandom } from '../random.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import type { FleetNetwork } from '../settings/network.ts'
import { readFleetNetwork } from '../settings/network.ts'
import { createEngine, decoyImage, engineInstance } from './engine.ts'
import { startHostHeartbeat } from './host-heartbeat.ts'
import { HostRuntime, type HostRuntimeOptions } from './host-runtime.ts'
import { EnrolledHostWorkers } from './host-workers.ts'
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
  alerts: AlertsHandle
  images: ImagesHandle
  /** Where a decky answers from this machine: its loopback address on the local engine, else undefined. */
  localAddressOf(name: string): string | undefined
  /** The local engine as last pinged (placement skips it while it does not answer). */
  localEngine(): LocalEngineState
  stop(): Promise<void>
}

const HEARTBEAT_MS = 10_000

type LocalEngineWatch = Awaited<ReturnType<typeof watchLocalEngine>>

/** What every starter is given: where to report errors, register its stop and its heartbeat. */
type Starting = {
  report: (worker: string) => (error: unknown) => void
  /** Stops run in reverse order of registration. */
  onStop(stop: () => Promise<void>): void
  /** Written every HEARTBEAT_MS for health.get. */
  onBeat(beat: () => Promise<void>): void
}

/**
 * Starts the background workers this process runs (DECNET_DISABLE_WORKERS turns some off, e.g. to run
 * them in another process). Each reports a heartbeat that health.get reads.
 */
export async function startWorkers(deps: WorkerDeps): Promise<Workers> {
  const { starting, startBeating, stopAll } = startingContext(deps.log)
  // Collection first: the local engine hands its decoy events straight to the ingest pipeline.
  const collector = await startCollection(deps, starting)
  const engine = createEngine(
    deps.engine,
    deps.docker,
    (event) => collector?.eventSink(event),
    databaseProbeLedger(deps.db.probeSources),
    deps.config.dataDir,
    deps.config.readinessTimeoutMs,
    // Deckies on this machine's daemon reach the gateway's socket (wherever its worker runs).
    gatewayAttachment(deps.config.dataDir),
  )
  // The local engine's decoys live in this process: stopping the workers lets go of their listeners.
  if (engine instanceof LocalEngine) starting.onStop(() => engine.close())
  const localEngine = await watchLocalEngine(deps.engine, deps.docker, deps.config.hostHeartbeatMs)
  starting.onStop(async () => localEngine.stop())
  const runtimeOptions = hostRuntimeOptions(deps, starting)
  const local = startLocalHost(deps, starting, engine, runtimeOptions)
  const enrolled = await startEnrolledHosts(deps, starting, { collector, runtimeOptions, wake: wakeRunners })
  const runtimes = () => [local, ...(enrolled?.all ?? [])]
  function wakeRunners() {
    for (const runtime of runtimes()) runtime.runner?.wake()
  }
  startReconciling(deps, starting, runtimes)
  startMutation(deps, starting, { localEngine, wake: wakeRunners })
  if (enrolled) startEnrolledHeartbeat(deps, starting, enrolled)
  const alerts = startAlertDelivery(deps, starting)
  startIncidents(deps, starting, () => alerts?.wake())
  startCorrelation(deps, starting)
  startEnrichment(deps, starting)
  await startArtifacts(deps, starting)
  const images = startImageRollouts(deps, starting, wakeRunners)
  startBeating()

  return {
    runner: { wake: wakeRunners },
    hosts: { sync: () => enrolled?.sync() ?? Promise.resolve() },
    alerts: { wake: () => alerts?.wake() },
    images: { wake: () => images?.wake() },
    localAddressOf: (name) => (engine instanceof LocalEngine ? engine.addressOf(name) : undefined),
    localEngine: localEngine.state,
    reconciler: { reapOrphans: () => reapOrphans(runtimes()) },
    stop: stopAll,
  }
}

function startingContext(log: (line: string) => void) {
  const stops: (() => Promise<void>)[] = []
  const beats: (() => Promise<void>)[] = []
  const report = (worker: string) => (error: unknown) =>
    log(`decnet ${worker}: ${error instanceof Error ? error.message : String(error)}`)
  const beatAll = () => {
    for (const beat of beats) beat().catch(report('heartbeat'))
  }
  let heartbeat: NodeJS.Timeout | undefined
  const starting: Starting = {
    report,
    onStop: (stop) => stops.push(stop),
    onBeat: (beat) => beats.push(beat),
  }
  return {
    starting,
    /** Once every worker registered its heartbeat: the first beats at once, then every HEARTBEAT_MS. */
    startBeating() {
      beatAll()
      heartbeat = setInterval(beatAll, HEARTBEAT_MS)
    },
    async stopAll() {
      clearInterval(heartbeat)
      // Runner and reconciler first, collection last, so every event already received is stored.
      for (const stop of stops.reverse()) await stop()
    },
  }
}

/**
 * The collector runs in a thread of its own (collector-thread.ts), so that ingest never queues the
 * API's requests, unless DECNET_COLLECTOR_THREAD is off or the database is an in-memory SQLite one
 * (which another thread cannot open): then it runs on this thread.
 */
async function startCollection(deps: WorkerDeps, starting: Starting): Promise<CollectorHandle | undefined> {
  const { config, db, bus } = deps
  if (!config.workers.collector) return undefined
  const common = {
    bus,
    engine: deps.engine,
    connection: config.dockerHost ? { dockerHost: config.dockerHost } : {},
    instance: engineInstance(),
    onError: (error: unknown, context: string) => starting.report(`collector (${context})`)(error),
  }
  const target = parseDatabaseUrl(config.databaseUrl)
  const onThisThread = !config.collectorThread || (target.kind === 'sqlite' && target.file === ':memory:')
  // The thread beats once it has loaded (a second or two): until then health.get reads this beat,
  // written before it starts so that it can never overwrite the thread's own.
  if (!onThisThread) await db.heartbeats.beat({ worker: 'collector', status: 'ok', detail: 'starting' })
  const collector = onThisThread
    ? await startCollectorWorker({
        ...common,
        db,
        isPaused: () => isWorkerPaused(db.settings, 'collector'),
      })
    : startCollectorThread({ ...common, databaseUrl: config.databaseUrl })
  starting.onStop(() => collector.stop())
  return collector
}

function hostRuntimeOptions({ config, db, bus }: WorkerDeps, { report }: Starting): HostRuntimeOptions {
  return {
    db,
    bus,
    runRows: config.workers.runner,
    leaseMs: config.runnerLeaseMs,
    concurrency: config.runnerConcurrency,
    report,
    repair: { maxAttempts: config.repairAttempts, backoffMs: config.repairBackoffMs },
  }
}

/** This machine's engine: its runner and reconciler. */
function startLocalHost(
  { config, db, defaultNetwork }: WorkerDeps,
  starting: Starting,
  engine: DeckyEngine,
  runtimeOptions: HostRuntimeOptions,
): HostRuntime {
  const local = new HostRuntime(
    LOCAL_HOST_ID,
    engine,
    async () => toNetworkContext(await readFleetNetwork(db, defaultNetwork)),
    runtimeOptions,
  )
  local.start()
  starting.onStop(() => local.stop())
  if (config.workers.runner) {
    starting.onBeat(() =>
      db.heartbeats.beat({ worker: 'runner', status: 'ok', detail: `engine ${engine.kind}` }),
    )
  }
  return local
}

/** Enrolled hosts need their sealed TLS material opened: without DECNET_SECRET_KEY only local runs. */
async function startEnrolledHosts(
  { config, db, secrets, log }: WorkerDeps,
  starting: Starting,
  {
    collector,
    runtimeOptions,
    wake,
  }: { collector: CollectorHandle | undefined; runtimeOptions: HostRuntimeOptions; wake: () => void },
): Promise<EnrolledHostWorkers | undefined> {
  if (!secrets) {
    const waiting = (await db.hosts.list()).filter((host) => host.status !== 'decommissioned')
    if (waiting.length > 0) {
      log(
        `decnet hosts: ${waiting.length} enrolled host(s) not driven: set DECNET_SECRET_KEY to open their TLS material`,
      )
    }
    return undefined
  }
  const enrolled = new EnrolledHostWorkers({
    ...runtimeOptions,
    secrets,
    collector,
    heartbeatMs: config.hostHeartbeatMs,
    readinessTimeoutMs: config.readinessTimeoutMs,
    orphanSweepMs: config.orphanSweepMs,
    log,
    wake,
  })
  await enrolled.sync().catch(starting.report('hosts'))
  starting.onStop(() => enrolled.stop())
  return enrolled
}

function startReconciling(
  { config, db }: WorkerDeps,
  starting: Starting,
  runtimes: () => HostRuntime[],
): void {
  if (!config.workers.reconciler) return
  let paused = false
  const timer = setInterval(async () => {
    // An operator's pause (workers.pause) skips whole passes: no observation, no repair.
    paused = await isWorkerPaused(db.settings, 'reconciler').catch(() => paused)
    if (paused) return
    for (const runtime of runtimes()) runtime.reconciler.runOnce().catch(starting.report('reconciler'))
  }, config.reconcileMs)
  starting.onStop(async () => clearInterval(timer))
  // The worst pass among the hosts: an engine that cannot be asked, or repairs given up.
  starting.onBeat(() => {
    if (paused)
      return db.heartbeats.beat({ worker: 'reconciler', status: 'ok', detail: 'paused by an operator' })
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

function startMutation(
  { config, db, bus, secrets }: WorkerDeps,
  starting: Starting,
  { localEngine, wake }: { localEngine: LocalEngineWatch; wake: () => void },
): void {
  if (!config.workers.mutator) return
  const mutator = startMutatorWorker({
    db,
    bus,
    wake,
    random: cryptoRandom,
    // The local engine when it answers, and the enrolled hosts that do (and can be driven).
    answeringHosts: async () => {
      const hosts = secrets ? await db.hosts.list() : []
      return new Set([
        ...(localEngine.state().up ? [LOCAL_HOST_ID] : []),
        ...hosts
          .filter((host) => host.status === 'active' || host.status === 'decommissioning')
          .map((host) => host.id),
      ])
    },
    isPaused: () => isWorkerPaused(db.settings, 'mutator'),
    onError: starting.report('mutator'),
  })
  starting.onStop(() => mutator.stop())
}

/**
 * Groups stored attack events into incidents and writes the alert outbox, on its own timer and in
 * its own transactions: ingest never waits for it, it catches up after a burst.
 */
function startIncidents({ config, db, bus }: WorkerDeps, starting: Starting, onAlerts: () => void): void {
  if (!config.workers.incidents) return
  // New outbox rows wake the delivery worker at once instead of at its next poll.
  const incidents = startIncidentWorker({ db, onAlerts, onError: starting.report('incidents') })
  // Stored events wake the worker at once (alert latency), the poll covers other processes' ingest.
  const unsubscribe = bus.on('log.ingested', () => incidents.worker.wake())
  starting.onStop(async () => {
    unsubscribe()
    await incidents.stop()
  })
}

/**
 * Rebuilds credential reuse, identities and campaigns (lifecycle/src/correlation) on its own timer,
 * at most every DECNET_CORRELATION_MS and only when events or intelligence rows arrived since.
 */
function startCorrelation({ config, db }: WorkerDeps, starting: Starting): void {
  if (!config.workers.correlation) return
  const correlation = startCorrelationWorker({
    db,
    intervalMs: config.correlationMs,
    onError: starting.report('correlation'),
  })
  starting.onStop(() => correlation.stop())
}

/**
 * Labels, geo/ASN and (when DECNET_RDNS is set) reverse DNS for attacker addresses, after ingest and
 * in its own passes: the databases load on its first lookup, never in a request handler.
 */
/** The artifact gateway: the decoys' only way to fetch (sandboxed fetcher) and to keep what they received. */
async function startArtifacts({ config, db }: WorkerDeps, starting: Starting): Promise<void> {
  if (!config.workers.artifacts) return
  const paths = artifactPaths(config.dataDir)
  const store = createArtifactStore(paths.storeDir)
  let failures = 0
  const gateway = await startArtifactGateway({
    paths,
    db,
    store,
    fetcher: createFetcher({ store, guard: egressGuard(), egress: config.artifactEgress }),
    log: (line) => {
      failures++
      starting.report('artifacts')(new Error(line))
    },
  })
  starting.onStop(() => gateway.close())
  starting.onBeat(() =>
    db.heartbeats.beat({
      worker: 'artifacts',
      status: 'ok',
      detail:
        `gateway ${paths.socket}, egress ${config.artifactEgress ? 'on' : 'off'}, ${failures} failed requests`.slice(
          0,
          500,
        ),
    }),
  )
}

/** Pushes the decoy image to hosts that lack it and carries out rollouts and rollbacks (images/). */
function startImageRollouts(
  { config, db, docker, engine, secrets }: WorkerDeps,
  starting: Starting,
  wakeRunners: () => void,
): ImageRolloutWorker | undefined {
  if (!config.workers.images) return undefined
  const worker = new ImageRolloutWorker({
    db,
    docker,
    engine,
    secrets,
    image: decoyImage(),
    wakeRunners,
    pollMs: config.hostHeartbeatMs,
    report: starting.report('images'),
  })
  worker.start()
  starting.onStop(() => worker.stop())
  starting.onBeat(() => db.heartbeats.beat({ worker: 'images', status: 'ok', detail: worker.describe() }))
  return worker
}

function startEnrichment({ config, db, bus }: WorkerDeps, starting: Starting): void {
  if (!config.workers.enrichment) return
  const { geoipMmdb, rdns, rdnsTimeoutMs, rdnsConcurrency } = config.enrichment
  const worker = new EnrichmentWorker({
    db,
    geo: createGeoLookup(geoipMmdb),
    ...(rdns
      ? {
          reverseDns: new ReverseDns({
            servers: rdns.servers,
            timeoutMs: rdnsTimeoutMs,
            concurrency: rdnsConcurrency,
          }),
        }
      : {}),
    onError: starting.report('enrichment'),
  })
  worker.start()
  const unsubscribe = bus.on('log.ingested', () => worker.wake())
  starting.onStop(async () => {
    unsubscribe()
    await worker.stop()
  })
  starting.onBeat(() => {
    const stats = worker.stats()
    return db.heartbeats.beat({
      worker: 'enrichment',
      status: stats.lastError ? 'degraded' : 'ok',
      detail:
        `${stats.enriched} enriched (${stats.labelled} labelled), reverse DNS ${rdns ? `${stats.resolved} resolved, ${stats.rdnsFailed} failed` : 'off'}${stats.lastError ? `; ${stats.lastError}` : ''}`.slice(
          0,
          500,
        ),
    })
  })
}

/** Pings the enrolled hosts and tells their supervisors what it sees. */
function startEnrolledHeartbeat(
  { config, db, secrets, log }: WorkerDeps,
  starting: Starting,
  enrolled: EnrolledHostWorkers,
): void {
  if (!secrets) return
  const heartbeat = startHostHeartbeat({
    db,
    secrets,
    intervalMs: config.hostHeartbeatMs,
    onUnreachable: (host, reason) => enrolled.markUnreachable(host, reason),
    onLostWhileDecommissioning: (host, reason) => enrolled.markSilentWhileDecommissioning(host, reason),
    onRound: () => enrolled.sync(),
    leftoverHosts: () => hostsWithUnsweptLeftovers(db),
    onLeftoversReachable: (host) => enrolled.sweepLeftovers(host),
    log,
  })
  // Registered after the host workers, so it stops before them.
  starting.onStop(() => heartbeat.stop())
}

/** Sends alert deliveries (alerts/delivery-worker.ts); registered last, so it stops first. */
function startAlertDelivery(
  { config, db, secrets, log }: WorkerDeps,
  starting: Starting,
): DeliveryWorker | undefined {
  if (!config.workers.alerts) return undefined
  const tuning = config.alertDelivery
  const worker = new DeliveryWorker({
    db,
    secrets,
    allowedLocal: config.alertAllowedTargets,
    apiPort: config.apiPort,
    alertFileDir: config.alertFileDir,
    log,
    settings: {
      ...DEFAULT_DELIVERY_SETTINGS,
      timeoutMs: tuning.timeoutMs,
      maxAttempts: tuning.maxAttempts,
      backoff: { baseMs: tuning.retryBaseMs, maxMs: tuning.retryMaxMs },
      breaker: { failureThreshold: tuning.breakerFailures, cooldownMs: tuning.breakerCooldownMs },
    },
  })
  worker.start()
  starting.onStop(() => worker.stop())
  starting.onBeat(async () => {
    const [channels, backlog] = await Promise.all([db.channels.list(), db.deliveries.backlogByChannel()])
    const troubled = channels
      .filter((channel) => channelHealth(channel) === 'failing' || channelHealth(channel) === 'breaker_open')
      .map((channel) => `${channel.name}: ${channelHealth(channel).replace('_', ' ')}`)
    const waiting = [...backlog.values()].reduce((sum, count) => sum + count, 0)
    await db.heartbeats.beat({
      worker: 'alerts',
      status: troubled.length > 0 ? 'degraded' : 'ok',
      detail:
        `${channels.length} channel(s), ${waiting} undelivered${troubled.length > 0 ? `; ${troubled.join('; ')}` : ''}`.slice(
          0,
          500,
        ),
    })
  })
  return worker
}

async function reapOrphans(runtimes: HostRuntime[]) {
  const reports = await Promise.all(runtimes.map((runtime) => runtime.reapOrphans()))
  return {
    containersRemoved: reports.flatMap((each) => each.containersRemoved),
    networksRemoved: reports.flatMap((each) => each.networksRemoved),
    errors: reports.flatMap((each) => each.errors),
  }
}
