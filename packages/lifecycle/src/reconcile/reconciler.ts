import type { DeckyState, ReapReport, WorkerStatus } from '@decnet/core'
import type { Bus } from '../bus/bus.ts'
import { topics } from '../bus/topics.ts'
import type { DeckyEngine, DeckyHealth, DeckyObservation } from '../engine/types.ts'
import { type RepairPolicy, RepairTracker } from './repair-policy.ts'

/**
 * The `Decky.state` values the reconciler writes (a healthy decky is `running`, `unknown` while its
 * engine cannot be asked).
 */
export type ObservedDeckyState = Extract<DeckyState, 'running' | 'degraded' | 'missing' | 'unknown'>

const RECORDED: Record<DeckyHealth, ObservedDeckyState> = {
  up: 'running',
  degraded: 'degraded',
  missing: 'missing',
}

/** What an automatic repair request carries into its lifecycle row. */
export type RepairRequest = {
  /** 1-based attempt of this decky's automatic repairs since it was last seen healthy. */
  attempt: number
  maxAttempts: number
  /** What the reconciler saw (which container is absent, exited, off its network). */
  reason: string
}

/** The desired fleet as the database sees it (the `Decky` table); the integrator adapts `db.fleet`. */
export interface FleetStateStore {
  /** Every decky this host should run, with the state last recorded and (when known) its services. */
  list(): Promise<
    { name: string; state: DeckyState; services?: readonly string[]; lastError?: string | null }[]
  >
  /** Records a state; `lastError` says why when it is not `running` (null clears it). */
  setState(name: string, state: ObservedDeckyState, lastError?: string | null): Promise<void>
  /** Queues a `repair` lifecycle operation; without it the reconciler only records what it sees. */
  requestRepair?(name: string, request: RepairRequest): Promise<void>
}

export type ReconcilePass = {
  /** Deckies whose recorded state changed in this pass. */
  changed: { name: string; from: DeckyState; to: ObservedDeckyState }[]
  /** Deckies a repair was queued for in this pass. */
  repairs: string[]
  /** Deckies whose automatic repairs were given up in this pass. */
  gaveUp: string[]
  /** Present when the pass also reaped orphans. */
  reaped?: ReapReport
}

/** How the last pass went, for the reconciler's heartbeat (health.get). */
export type ReconcilerHealth = { status: Extract<WorkerStatus, 'ok' | 'degraded'>; detail: string }

/**
 * Recorded states the reconciler leaves alone: `pending` belongs to an operation in flight, and
 * `failed` keeps the last operation's verdict (running containers that never answered must not turn
 * into `running`) until the next operation.
 */
const OWNED_BY_OPERATIONS = new Set<DeckyState>(['pending', 'failed'])

/** Observed states that an automatic repair may fix. */
const REPAIRABLE = new Set<ObservedDeckyState>(['degraded', 'missing'])

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Compares actual state (engine labels) with the `Decky` table: records `running`/`degraded`/`missing`
 * (or `unknown` while the engine does not answer) when it changed, publishes `decky.<name>.state` for
 * each change, queues bounded `repair` operations for broken deckies (see RepairPolicy), and
 * optionally reaps managed resources that belong to no decky. Nothing is published when converged.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined
  private pass: Promise<ReconcilePass> | undefined
  private readonly repairs: RepairTracker
  private lastHealth: ReconcilerHealth = { status: 'ok', detail: 'no pass yet' }

  constructor(
    private readonly options: {
      engine: DeckyEngine
      store: FleetStateStore
      bus: Bus
      /** Also remove orphaned containers/networks on each pass. */
      reap?: boolean
      /** Spare orphans younger than this (see `DeckyEngine.reapOrphans`). */
      reapMinAgeMs?: number
      repair?: Partial<RepairPolicy>
      onError?: (error: unknown) => void
      now?: () => number
    },
  ) {
    this.repairs = new RepairTracker(options.repair, options.now)
  }

  /** The last pass: degraded while the engine cannot be asked or automatic repairs were given up. */
  health(): ReconcilerHealth {
    return this.lastHealth
  }

  /** One pass; concurrent callers share the pass in progress. */
  runOnce(): Promise<ReconcilePass> {
    this.pass ??= this.reconcile().finally(() => {
      this.pass = undefined
    })
    return this.pass
  }

  start(intervalMs = 30_000): void {
    this.stop()
    const tick = () => {
      this.runOnce()
        .catch((error) => (this.options.onError ?? ((e) => console.error('reconciler:', e)))(error))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs)
        })
    }
    this.timer = setTimeout(tick, 0)
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private async record(
    result: ReconcilePass,
    decky: { name: string; state: DeckyState },
    to: ObservedDeckyState,
    lastError: string | null,
  ): Promise<void> {
    await this.options.store.setState(decky.name, to, lastError)
    result.changed.push({ name: decky.name, from: decky.state, to })
    this.options.bus.publish({
      topic: topics.deckyState(decky.name),
      type: 'state',
      payload: { decky: decky.name, state: to, previousState: decky.state },
    })
  }

  private async reconcile(): Promise<ReconcilePass> {
    const { engine, store } = this.options
    const desired = await store.list()
    const result: ReconcilePass = { changed: [], repairs: [], gaveUp: [] }
    let observations: DeckyObservation[]
    try {
      observations = await engine.observe(desired.map((decky) => decky.name))
    } catch (error) {
      // Nobody can tell whether these deckies run: say so rather than keep the last word.
      this.repairs.engineLost()
      const reason = `engine cannot be asked: ${errorText(error)}`.slice(0, 2000)
      for (const decky of desired) {
        if (decky.state === 'unknown' || OWNED_BY_OPERATIONS.has(decky.state)) continue
        await this.record(result, decky, 'unknown', reason)
      }
      this.lastHealth = { status: 'degraded', detail: reason.slice(0, 500) }
      throw error
    }
    const observed = new Map(observations.map((o) => [o.name, o]))
    for (const decky of desired) {
      const observation = observed.get(decky.name)
      let actual = RECORDED[observation?.state ?? 'missing']
      const problems = [...(observation?.problems ?? ['no containers'])]
      // A service container removed behind our back leaves the rest "up": the desired list tells.
      // Services hosted by one process are there as long as it runs (its state is in `problems`).
      const absent =
        observation?.decoy !== undefined
          ? []
          : (decky.services ?? []).filter((slug) => !(slug in (observation?.services ?? {})))
      if (absent.length > 0) {
        problems.push(...absent.map((slug) => `${slug} container missing`))
        if (actual === 'running') actual = 'degraded'
      }
      if (OWNED_BY_OPERATIONS.has(decky.state)) continue
      if (actual === 'running') this.repairs.healthy(decky.name)
      const problem = actual === 'running' ? null : problems.join('; ').slice(0, 2000)
      const decision =
        REPAIRABLE.has(actual) && store.requestRepair ? this.repairs.next(decky.name) : undefined
      if (decision?.kind === 'give-up' || decision?.kind === 'given-up') {
        // The reason stays in lastError for as long as the decky stays broken: the last repair's
        // failure when there was one, else what is wrong now.
        const last = decision.kind === 'give-up' ? (decky.lastError ?? problem) : problem
        const why =
          `automatic repair gave up after ${decision.attempts} ${decision.attempts === 1 ? 'attempt' : 'attempts'}: ${last}`.slice(
            0,
            2000,
          )
        if (actual !== decky.state) await this.record(result, decky, actual, why)
        else if (decision.kind === 'give-up') await store.setState(decky.name, actual, why)
        if (decision.kind === 'give-up') result.gaveUp.push(decky.name)
        continue
      }
      if (actual !== decky.state) await this.record(result, decky, actual, problem)
      if (decision?.kind === 'repair') {
        await store.requestRepair?.(decky.name, {
          attempt: decision.attempt,
          maxAttempts: decision.maxAttempts,
          reason: (problem ?? '').slice(0, 1000),
        })
        result.repairs.push(decky.name)
      }
    }
    this.repairs.forgetGivenUpExcept(new Set(desired.map((decky) => decky.name)))
    const gaveUp = this.repairs.gaveUpOn()
    this.lastHealth =
      gaveUp.length > 0
        ? { status: 'degraded', detail: `automatic repair given up for ${gaveUp.length} decky(ies)` }
        : { status: 'ok', detail: `${desired.length} decky(ies) checked` }
    if (this.options.reap) {
      result.reaped = await engine.reapOrphans(
        desired.map((decky) => decky.name),
        this.options.reapMinAgeMs === undefined ? {} : { minAgeMs: this.options.reapMinAgeMs },
      )
    }
    return result
  }
}
