import type { Host } from '@decnet/db'
import {
  type CollectorHandle,
  databaseProbeLedger,
  hostPositionKeyPrefix,
  type NetworkContext,
  publishLifecycleTransition,
} from '@decnet/lifecycle'
import { AUDIT_LEFTOVERS_SWEPT } from '../hosts/leftovers.ts'
import { hostTls, remoteDocker } from '../hosts/remote-engine.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import { createRemoteEngine } from './engine.ts'
import { HostRuntime, type HostRuntimeOptions } from './host-runtime.ts'
import {
  INITIAL_SUPERVISOR_STATE,
  nextActions,
  type SupervisedHost,
  type SupervisorAction,
  type SupervisorEvent,
  type SupervisorState,
} from './host-supervision.ts'
import { PERIODIC_SWEEP_MIN_AGE_MS, sweepDecommissionedLeftovers, sweepHostOrphans } from './orphan-sweep.ts'

export type HostSupervisorOptions = HostRuntimeOptions & {
  secrets: SecretBox
  collector: CollectorHandle | undefined
  heartbeatMs: number
  /** How long a deployed decky may take to answer (DECNET_READINESS_TIMEOUT_MS). */
  readinessTimeoutMs: number
  log: (line: string) => void
  /** Wakes the runners (rows queued for a host that answered again). */
  wake: () => void
}

/**
 * One enrolled host's supervision: it keeps the host's state, asks `nextActions` (host-supervision.ts)
 * what each event means, and only performs the actions it returns. Work that takes time (a sweep, a
 * drain, the return reconciliation) runs in the background and reports its end as another event.
 */
export class HostSupervisor {
  /** The pure transition function every decision comes from. */
  static readonly nextActions = nextActions

  private state: SupervisorState = INITIAL_SUPERVISOR_STATE
  private row: Host
  /** Decommissioning: its teardowns are not done (as of the last round). */
  private workLeft = false
  private workers: { generation: number; runtime: HostRuntime; tls: ReturnType<typeof hostTls> } | undefined
  /** Drains and final sweeps under way, waited for at shutdown. */
  private readonly inFlight = new Set<Promise<void>>()

  constructor(
    host: Host,
    private readonly options: HostSupervisorOptions,
  ) {
    this.row = host
  }

  get phase(): SupervisorState['phase'] {
    return this.state.phase
  }

  /** Its workers while they drive the host (built but not started yet, or draining, they are not listed). */
  get runtime(): HostRuntime | undefined {
    return this.state.phase === 'running' || this.state.phase === 'sweeping'
      ? this.workers?.runtime
      : undefined
  }

  /**
   * Handles one event, with the host's row when it was just read (and, on a round, whether its teardowns
   * are done). Resolves once the actions that must finish first (failing rows) did.
   */
  async handle(event: SupervisorEvent, row?: Host, workLeft?: boolean): Promise<void> {
    if (row) this.row = row
    if (workLeft !== undefined) this.workLeft = workLeft
    const { state, actions } = nextActions(
      this.view(),
      { intervalMs: this.options.heartbeatMs, now: Date.now() },
      this.state,
      event,
    )
    this.state = state
    for (const action of actions) {
      try {
        await this.perform(action)
      } catch (error) {
        // One host's trouble (e.g. TLS material sealed under another key) is reported, never thrown at
        // the round; the rest of this batch depended on it.
        this.options.report(`host ${this.row.name}`)(error)
        if (action.kind === 'createWorkers') {
          await this.handle({ kind: 'launchFailed', generation: action.generation })
        }
        return
      }
    }
  }

  /** Stops its workers (letting their operations finish) and waits for what is under way. */
  async stop(): Promise<void> {
    await this.handle({ kind: 'shutdown' })
    while (this.inFlight.size > 0) await Promise.all(this.inFlight)
  }

  private view(): SupervisedHost {
    const { name, status, tls, lastHeartbeat } = this.row
    return { name, status, tls: tls !== null, lastHeartbeat, workLeft: this.workLeft }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work)
    void work.finally(() => this.inFlight.delete(work))
  }

  /**
   * Runs `work` in the background and reports its end as the event it returns, or as `failed` when it
   * throws (reported): the state machine never waits on work that failed. `tracked`: awaited at shutdown.
   */
  private background(
    name: string,
    work: () => Promise<SupervisorEvent | undefined>,
    failed?: SupervisorEvent,
    tracked = false,
  ): void {
    const running = work()
      .catch((error: unknown) => {
        this.options.report(`host ${this.row.name} ${name}`)(error)
        return failed
      })
      .then((done) => (done ? this.handle(done) : undefined))
    if (tracked) this.track(running)
    else void running
  }

  private async perform(action: SupervisorAction): Promise<void> {
    const { db, log, collector, secrets } = this.options
    const host = this.row
    switch (action.kind) {
      case 'log':
        log(action.line)
        return
      case 'createWorkers': {
        log(`decnet hosts: driving ${host.name} (${host.dockerUrl})`)
        const tls = hostTls(host, secrets)
        const engine = createRemoteEngine(
          remoteDocker(host.dockerUrl, tls),
          host.dockerUrl,
          databaseProbeLedger(db.probeSources),
          this.options.readinessTimeoutMs,
        )
        const network = host.network as NetworkContext
        const runtime = new HostRuntime(host.id, engine, async () => network, this.options)
        this.workers = { generation: action.generation, runtime, tls }
        return
      }
      case 'reconcileReturn': {
        // Its failures are reported; the workers start either way.
        const reconciled: SupervisorEvent = { kind: 'reconciled', generation: action.generation }
        return this.background(
          'return',
          () => this.reconcileReturn(host, action.generation).then(() => reconciled),
          reconciled,
        )
      }
      case 'startWorkers': {
        const workers = this.workersOf(action.generation)
        workers.runtime.start()
        this.options.wake()
        collector
          ?.followHost(host.id, { dockerHost: host.dockerUrl.replace(/^https:/, 'tcp:'), tls: workers.tls })
          .catch(this.options.report(`collector ${host.name}`))
        return
      }
      case 'stopWorkers': {
        const workers = this.workers
        this.workers = undefined
        const drained: SupervisorEvent = {
          kind: 'drained',
          generation: workers?.generation ?? this.state.generation,
        }
        const stopping = async () => {
          await Promise.all([workers?.runtime.stop(action.abandon), collector?.unfollowHost(host.id)])
          return drained
        }
        return this.background('workers', stopping, drained, true)
      }
      case 'failRows':
        return this.failRows(host, action.reason)
      case 'finalSweep': {
        const { runtime } = this.workersOf(action.generation)
        const sweeping = async (): Promise<SupervisorEvent> => {
          const swept = await runtime.engine.reapOrphans([], { minAgeMs: 0 })
          const removed = swept.containersRemoved.length
          return { kind: 'swept', generation: action.generation, removed, errors: swept.errors }
        }
        const failed = (error: unknown): SupervisorEvent => ({
          kind: 'swept',
          generation: action.generation,
          removed: 0,
          errors: [String(error)],
        })
        return this.background('sweep', () => sweeping().catch(failed), undefined, true)
      }
      case 'retireHost': {
        const retired = async (): Promise<SupervisorEvent> => ({
          kind: 'retiredHost',
          generation: action.generation,
          moved: await this.retire(host),
        })
        // Not retired when the database failed: swept again next round.
        const failed: SupervisorEvent = { kind: 'retiredHost', generation: action.generation, moved: false }
        return this.background('retirement', retired, failed, true)
      }
      case 'sweepOrphans': {
        const done: SupervisorEvent = { kind: 'orphanSweepDone' }
        const sweeping = async () => {
          const { engine } = this.workersOf(this.state.generation).runtime
          const minAgeMs = PERIODIC_SWEEP_MIN_AGE_MS
          await sweepHostOrphans({ db, engine, host, minAgeMs, reason: 'periodic sweep', log })
          return done
        }
        return this.background('sweep', sweeping, done)
      }
      case 'sweepLeftovers': {
        const done: SupervisorEvent = { kind: 'orphanSweepDone' }
        return this.background('leftovers', () => this.sweepLeftovers(host).then(() => done), done)
      }
      case 'forgetLogPositions':
        return this.background('log positions', async () => {
          const prefix = hostPositionKeyPrefix(host.id)
          for (const key of Object.keys(await db.settings.all()))
            if (key.startsWith(prefix)) await db.settings.delete(key)
          return undefined
        })
    }
  }

  private workersOf(generation: number) {
    if (!this.workers || this.workers.generation !== generation)
      throw new Error(`no workers of generation ${generation} (state ${this.state.phase})`)
    return this.workers
  }

  private async failRows(host: Host, reason: string): Promise<void> {
    const { db, bus } = this.options
    for (const row of await db.lifecycle.failHost(host.id, reason)) {
      if (row.operation !== 'teardown') await db.fleet.setState(row.deckyName, 'failed', reason)
      // A teardown cut short: its containers may live on, so the decky holds its name and IP again
      // (pending_removal) until the host answers and they are swept.
      else await db.fleet.restorePendingRemoval(row.deckyName, host.id, row.payload)
      publishLifecycleTransition(bus, row)
    }
  }

  /**
   * Before a host's runner starts (nothing of ours can be creating containers there): anything the fleet
   * does not hold goes, however young — half-built containers of operations abandoned while it did not
   * answer, deckies torn down meanwhile — and deckies whose operations were abandoned are deployed again,
   * so Docker there matches the Decky table.
   */
  private async reconcileReturn(host: Host, generation: number): Promise<void> {
    const { db, log } = this.options
    const { runtime } = this.workersOf(generation)
    await sweepHostOrphans({ db, engine: runtime.engine, host, minAgeMs: 0, reason: 'host answered', log })
    const redeploys = await db.fleet.redeployHost(host.id, ['failed'])
    if (redeploys.length > 0) {
      log(
        `decnet hosts: ${host.name}: deploying again ${redeploys.length} deckies whose operations were cut short`,
      )
    }
  }

  /** decommissioning → decommissioned; deckies waiting for this host to remove them go with it. */
  private async retire(host: Host): Promise<boolean> {
    const { db } = this.options
    if (!(await db.hosts.setStatusIf(host.id, ['decommissioning'], 'decommissioned'))) return false
    for (const decky of await db.fleet.list()) {
      if (decky.hostId === host.id && decky.state === 'pending_removal')
        await db.fleet.deletePendingRemoval(decky.name, host.id)
    }
    return true
  }

  /**
   * A host decommissioned without answering answers again: what was left on it is swept (unless the same
   * engine is enrolled again meanwhile: that host's own sweeps keep it to what its fleet holds).
   */
  private async sweepLeftovers(host: Host): Promise<void> {
    const { db, secrets, log } = this.options
    const reenrolled = (await db.hosts.list()).find(
      (other) =>
        other.id !== host.id &&
        other.status !== 'decommissioned' &&
        ((host.engine?.id && other.engine?.id === host.engine.id) || other.dockerUrl === host.dockerUrl),
    )
    if (reenrolled) {
      await db.audit.append({
        actor: 'system',
        action: AUDIT_LEFTOVERS_SWEPT,
        target: host.id,
        detail: { host: host.name, handedTo: reenrolled.name },
      })
      return
    }
    const engine = createRemoteEngine(
      remoteDocker(host.dockerUrl, hostTls(host, secrets)),
      host.dockerUrl,
      databaseProbeLedger(db.probeSources),
      this.options.readinessTimeoutMs,
    )
    await sweepDecommissionedLeftovers({ db, engine, host, log })
  }
}
