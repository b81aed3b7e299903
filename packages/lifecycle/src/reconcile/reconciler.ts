import type { Bus } from '../bus/bus.ts'
import { topics } from '../bus/topics.ts'
import type { DeckyEngine, DeckyHealth, ReapReport } from '../engine/types.ts'

/** The `Decky.state` values the reconciler writes (core's `DeckyState`; a healthy decky is `running`). */
export type ObservedDeckyState = 'running' | 'degraded' | 'missing'

const RECORDED: Record<DeckyHealth, ObservedDeckyState> = {
  up: 'running',
  degraded: 'degraded',
  missing: 'missing',
}

/** The desired fleet as the database sees it (the `Decky` table); the integrator adapts `db.fleet`. */
export interface FleetStateStore {
  /** Every decky this host should run, with the state last recorded and (when known) its services. */
  list(): Promise<{ name: string; state: string; services?: readonly string[] }[]>
  setState(name: string, state: ObservedDeckyState): Promise<void>
}

export type ReconcilePass = {
  /** Deckies whose recorded state changed in this pass. */
  changed: { name: string; from: string; to: ObservedDeckyState }[]
  /** Present when the pass also reaped orphans. */
  reaped?: ReapReport
}

/**
 * Recorded states the reconciler leaves alone: `pending`/`tearing_down` belong to an operation in
 * flight, and `failed` keeps the last operation's verdict (running containers that never answered
 * must not turn into `running`) until the next operation.
 */
const OWNED_BY_OPERATIONS = new Set(['pending', 'tearing_down', 'failed'])

/**
 * Compares actual state (engine labels) with the `Decky` table: records `running`/`degraded`/`missing`
 * when it changed, publishes `decky.<name>.state` for each change, and optionally reaps managed
 * resources that belong to no decky. Nothing is published when already converged.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined
  private pass: Promise<ReconcilePass> | undefined

  constructor(
    private readonly options: {
      engine: DeckyEngine
      store: FleetStateStore
      bus: Bus
      /** Also remove orphaned containers/networks on each pass. */
      reap?: boolean
      /** Spare orphans younger than this (see `DeckyEngine.reapOrphans`). */
      reapMinAgeMs?: number
      onError?: (error: unknown) => void
    },
  ) {}

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

  private async reconcile(): Promise<ReconcilePass> {
    const { engine, store, bus } = this.options
    const desired = await store.list()
    const observed = new Map(
      (await engine.observe(desired.map((decky) => decky.name))).map((o) => [o.name, o]),
    )
    const result: ReconcilePass = { changed: [] }
    for (const decky of desired) {
      const observation = observed.get(decky.name)
      let actual = RECORDED[observation?.state ?? 'missing']
      // A service container removed behind our back leaves the rest "up": the desired list tells.
      const absent = decky.services?.some((slug) => !(slug in (observation?.services ?? {})))
      if (actual === 'running' && absent) actual = 'degraded'
      if (actual === decky.state || OWNED_BY_OPERATIONS.has(decky.state)) continue
      await store.setState(decky.name, actual)
      result.changed.push({ name: decky.name, from: decky.state, to: actual })
      bus.publish({
        topic: topics.deckyState(decky.name),
        type: 'state',
        payload: { decky: decky.name, state: actual, previousState: decky.state },
      })
    }
    if (this.options.reap) {
      result.reaped = await engine.reapOrphans(
        desired.map((decky) => decky.name),
        this.options.reapMinAgeMs === undefined ? {} : { minAgeMs: this.options.reapMinAgeMs },
      )
    }
    return result
  }
}
