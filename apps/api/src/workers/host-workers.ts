import { LOCAL_HOST_ID } from '@decnet/core'
import type { DecnetDatabase, Host } from '@decnet/db'
import {
  type Bus,
  type CollectorWorker,
  type DeckyEngine,
  hostPositionKeyPrefix,
  LifecycleRunner,
  type NetworkContext,
  publishLifecycleTransition,
  Reconciler,
  type RepairPolicy,
} from '@decnet/lifecycle'
import { hostTls, remoteDocker } from '../hosts/remote-engine.ts'
import type { SecretBox } from '../hosts/secret-box.ts'
import { createRemoteEngine } from './engine.ts'
import { createExecutor } from './executor.ts'

export type HostRuntimeOptions = {
  db: DecnetDatabase
  bus: Bus
  /** Run this host's lifecycle rows (false when the runner is disabled in this process). */
  runRows: boolean
  leaseMs: number
  /** Rows run at once on this host. */
  concurrency: number
  report: (worker: string) => (error: unknown) => void
  /** Bounds of the reconciler's automatic repairs. */
  repair?: Partial<RepairPolicy>
}

/** One Docker host's workers: its engine, a runner for its rows only and a reconciler for its deckies only. */
export class HostRuntime {
  readonly runner: LifecycleRunner | undefined
  readonly reconciler: Reconciler

  constructor(
    readonly hostId: string,
    readonly engine: DeckyEngine,
    network: () => Promise<NetworkContext>,
    { db, bus, runRows, leaseMs, concurrency, report, repair }: HostRuntimeOptions,
  ) {
    const deckiesHere = async () => (await db.fleet.list()).filter((decky) => decky.hostId === hostId)
    this.runner = runRows
      ? new LifecycleRunner({
          queue: db.lifecycle,
          bus,
          hostId,
          execute: createExecutor({ db, engine, network }),
          leaseMs,
          concurrency,
          onError: report(`runner ${hostId}`),
        })
      : undefined
    this.reconciler = new Reconciler({
      engine,
      bus,
      store: {
        // A decky with an operation queued or running is that operation's to judge (a mutation
        // commits the new services before their containers exist).
        list: async () => {
          const [deckies, active] = await Promise.all([deckiesHere(), db.lifecycle.listActive()])
          const busy = new Set(active.map((row) => row.deckyName))
          return deckies
            .filter((decky) => !busy.has(decky.name))
            .map(({ name, state, services, lastError }) => ({ name, state, services, lastError }))
        },
        setState: async (name, state, lastError) => {
          await db.fleet.setState(name, state, lastError ?? null)
        },
        requestRepair: async (name, request) => {
          await db.fleet.commitRepair(name, { trigger: 'reconciler', ...request })
          this.runner?.wake()
        },
      },
      ...(repair ? { repair } : {}),
      onError: report(`reconciler ${hostId}`),
    })
    this.reapOrphans = async () => engine.reapOrphans((await deckiesHere()).map((decky) => decky.name))
  }

  readonly reapOrphans: () => ReturnType<DeckyEngine['reapOrphans']>

  start(): void {
    this.runner?.start()
  }

  /**
   * Waits for the operations in flight (each Docker call is bounded, so this ends). `abandon`: their
   * host is gone and their rows were failed for them, so they record nothing.
   */
  async stop(abandon = false): Promise<void> {
    await this.runner?.stop({ abandon })
  }
}

/** Sweeps of a decommissioning host that may fail before it is retired with what was left. */
const MAX_FAILED_SWEEPS = 3

/**
 * Whether a host's workers should run: it answers (active), or is being decommissioned and answered
 * within the last 3 heartbeats (a silent one is left alone: sweeping it could only fail).
 */
export function hostAnswering(host: Host, heartbeatMs: number, now = Date.now()): boolean {
  if (host.status === 'active') return true
  if (host.status !== 'decommissioning' || host.lastHeartbeat === null) return false
  return now - host.lastHeartbeat.getTime() < 3 * heartbeatMs
}

/**
 * The enrolled hosts' workers, kept in step with the Host table: a host that answers gets a runtime
 * (engine over mutual TLS, runner, reconciler) and its decoy logs followed; one that stops answering
 * loses them and its unfinished lifecycle rows fail with the reason; a decommissioning host whose
 * deckies are all gone is swept clean, then becomes decommissioned.
 */
export class EnrolledHostWorkers {
  private readonly runtimes = new Map<string, HostRuntime>()
  private readonly stopping = new Set<Promise<void>>()
  /** Decommissioned hosts whose collector positions this process already removed. */
  private readonly forgotten = new Set<string>()
  /** Hosts being swept clean at the end of their decommission, and failed sweeps per host. */
  private readonly sweeping = new Set<string>()
  private readonly failedSweeps = new Map<string, number>()
  /** Per host, the previous runtime still finishing its abandoned operations. */
  private readonly draining = new Map<string, Promise<void>>()
  private syncing: Promise<void> = Promise.resolve()

  constructor(
    private readonly options: HostRuntimeOptions & {
      secrets: SecretBox
      collector: CollectorWorker | undefined
      heartbeatMs: number
      log: (line: string) => void
    },
  ) {}

  get all(): HostRuntime[] {
    return [...this.runtimes.values()]
  }

  /** Brings the runtimes in line with the Host table; calls run one after another. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(
      () => this.syncOnce(),
      () => this.syncOnce(),
    )
    return this.syncing
  }

  /** The host stopped answering: stop its workers and fail its unfinished rows (and their deckies) with the reason. */
  async markUnreachable(host: Host, reason: string): Promise<void> {
    this.retire(host.id, true)
    await this.failRows(host, reason)
  }

  /**
   * A host being decommissioned stopped answering: its workers stop and its teardowns fail with why; it
   * stays decommissioning (swept once it answers again, or retired as it is when asked again).
   */
  async markSilentWhileDecommissioning(host: Host, reason: string): Promise<void> {
    this.retire(host.id, true)
    await this.failRows(
      host,
      `${reason}; it stays decommissioning and is cleaned up when it answers (decommission it again to retire it as it is)`,
    )
  }

  async stop(): Promise<void> {
    await this.syncing.catch(() => undefined)
    for (const id of [...this.runtimes.keys()]) this.retire(id, false)
    await Promise.all(this.stopping)
  }

  /** A retired host's containers are gone (or out of reach): their collector positions go too. */
  private async forgetLogPositions(hostId: string): Promise<void> {
    const { settings } = this.options.db
    const prefix = hostPositionKeyPrefix(hostId)
    for (const key of Object.keys(await settings.all()))
      if (key.startsWith(prefix)) await settings.delete(key)
  }

  private async failRows(host: Host, reason: string): Promise<void> {
    const { db, bus } = this.options
    for (const row of await db.lifecycle.failHost(host.id, reason)) {
      if (row.operation !== 'teardown') await db.fleet.setState(row.deckyName, 'failed', reason)
      publishLifecycleTransition(bus, row)
    }
  }

  private async syncOnce(): Promise<void> {
    const { db, report } = this.options
    const hosts = (await db.hosts.list()).filter((host) => host.id !== LOCAL_HOST_ID)
    const wanted = new Set(
      hosts
        .filter((host) => host.tls && hostAnswering(host, this.options.heartbeatMs))
        .map((host) => host.id),
    )
    for (const id of this.runtimes.keys()) if (!wanted.has(id)) this.retire(id, true)
    for (const host of hosts) {
      // One host's trouble (e.g. TLS material sealed under another key) must not hold up the others.
      try {
        if (wanted.has(host.id) && !this.runtimes.has(host.id)) this.launch(host)
        // Rows queued for a host that does not answer (a teardown, a mutation) fail at once, not hang.
        if (host.status === 'unreachable') {
          await this.failRows(
            host,
            `host ${host.name} is unreachable; nothing was done there (its containers stay until it answers again)`,
          )
        }
      } catch (error) {
        report(`host ${host.name}`)(error)
      }
    }
    const decommissioning = hosts.filter((host) => host.status === 'decommissioning')
    if (decommissioning.length > 0) await this.finishDecommissions(decommissioning)
    for (const host of hosts) {
      if (host.status !== 'decommissioned' || this.forgotten.has(host.id)) continue
      this.forgotten.add(host.id)
      // After its collector stopped: its final position write must not bring the keys back.
      void (this.draining.get(host.id) ?? Promise.resolve())
        .then(() => this.forgetLogPositions(host.id))
        .catch(report(`host ${host.name} log positions`))
    }
  }

  private launch(host: Host): void {
    const { secrets, collector, report, log } = this.options
    log(`decnet hosts: driving ${host.name} (${host.dockerUrl})`)
    const tls = hostTls(host, secrets)
    const engine = createRemoteEngine(remoteDocker(host.dockerUrl, tls), host.dockerUrl)
    const network = host.network as NetworkContext
    const runtime = new HostRuntime(host.id, engine, async () => network, this.options)
    this.runtimes.set(host.id, runtime)
    // A host back from unreachable may still have the old runtime's Docker calls in flight: the new
    // one starts after them, so two runtimes never act on one host (nor exceed its concurrency).
    const previous = this.draining.get(host.id) ?? Promise.resolve()
    void previous.then(() => {
      if (this.runtimes.get(host.id) !== runtime) return
      runtime.start()
      collector
        ?.followHost(host.id, { dockerHost: host.dockerUrl.replace(/^https:/, 'tcp:'), tls })
        .catch(report(`collector ${host.name}`))
    })
  }

  private retire(hostId: string, abandon: boolean): void {
    const runtime = this.runtimes.get(hostId)
    if (!runtime) return
    this.runtimes.delete(hostId)
    const stopped = Promise.all([runtime.stop(abandon), this.options.collector?.unfollowHost(hostId)]).then(
      () => undefined,
      this.options.report(`host ${hostId} workers`),
    )
    this.stopping.add(stopped)
    this.draining.set(hostId, stopped)
    void stopped.finally(() => {
      this.stopping.delete(stopped)
      if (this.draining.get(hostId) === stopped) this.draining.delete(hostId)
    })
  }

  private async finishDecommissions(hosts: Host[]): Promise<void> {
    const { db } = this.options
    const [deckies, active] = await Promise.all([db.fleet.list(), db.lifecycle.listActive()])
    for (const host of hosts) {
      const busy =
        deckies.some((decky) => decky.hostId === host.id) || active.some((row) => row.hostId === host.id)
      const runtime = this.runtimes.get(host.id)
      // Swept only while it answers (it has a runtime), in the background: a slow sweep must not hold
      // up heartbeat rounds (nor an enrollment waiting on sync()).
      if (busy || !runtime || this.sweeping.has(host.id)) continue
      this.sweeping.add(host.id)
      const sweep = this.sweep(host, runtime).finally(() => this.sweeping.delete(host.id))
      this.stopping.add(sweep)
      void sweep.finally(() => this.stopping.delete(sweep))
    }
  }

  /**
   * The end of a decommission: its deckies' teardowns are done; whatever of ours is still there (a
   * teardown that failed, a container created behind our back) goes too, so the machine is left clean.
   * A host that cannot be swept after a few rounds is retired anyway, with what was left logged.
   */
  private async sweep(host: Host, runtime: HostRuntime): Promise<void> {
    const { db, log } = this.options
    const swept = await runtime.engine
      .reapOrphans([], { minAgeMs: 0 })
      .catch((error: unknown) => ({ containersRemoved: [], networksRemoved: [], errors: [String(error)] }))
    if (swept.containersRemoved.length > 0) {
      log(`decnet hosts: ${host.name}: removed ${swept.containersRemoved.length} containers left behind`)
    }
    if (swept.errors.length > 0) {
      const failures = (this.failedSweeps.get(host.id) ?? 0) + 1
      this.failedSweeps.set(host.id, failures)
      const left = swept.errors.join('; ').slice(0, 300)
      if (failures < MAX_FAILED_SWEEPS) {
        log(`decnet hosts: ${host.name} not clean yet (${failures}/${MAX_FAILED_SWEEPS}): ${left}`)
        return
      }
      log(`decnet hosts: ${host.name} retired with leftovers after ${failures} sweeps: ${left}`)
    }
    if (!(await db.hosts.setStatusIf(host.id, ['decommissioning'], 'decommissioned'))) return
    this.failedSweeps.delete(host.id)
    this.retire(host.id, false)
    log(`decnet hosts: ${host.name} decommissioned`)
  }
}
