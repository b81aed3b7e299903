import type { DecnetDatabase } from '@decnet/db'
import {
  type Bus,
  type DeckyEngine,
  LifecycleRunner,
  type NetworkContext,
  Reconciler,
  type RepairPolicy,
} from '@decnet/lifecycle'
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
            .filter((decky) => !busy.has(decky.name) && decky.state !== 'pending_removal')
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
