import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Bus } from '../bus/bus.ts'
import { topics } from '../bus/topics.ts'
import type { LifecycleQueue, QueueRow } from './queue.ts'

/** Runs one claimed row's operation (deploy/mutate/teardown through an engine). `signal` aborts when the lease is lost. */
export type LifecycleExecutor = (row: QueueRow, signal: AbortSignal) => Promise<void>

export type LifecycleRunnerOptions = {
  queue: LifecycleQueue
  bus: Bus
  execute: LifecycleExecutor
  /** Lease owner id; unique per process (and host) by default. */
  owner?: string
  /** Runs only this host's rows; every row when absent. */
  hostId?: string
  /** Rows run at once (on this host, when `hostId` is set). */
  concurrency?: number
  leaseMs?: number
  /** How often a held lease is extended; a third of the lease by default. */
  renewEveryMs?: number
  /** Idle polling period; `wake()` claims at once. */
  pollIntervalMs?: number
  /** Lease expiries (crashed runners) before a row is failed for good. */
  maxAttempts?: number
  /** Error text stored and published is capped to this many characters. */
  maxErrorLength?: number
  /** Reports queue failures (database down): the loop keeps polling. */
  onError?: (error: unknown) => void
}

export function errorText(error: unknown, maxLength: number): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text
}

/** Publishes a persisted row's status as `decky.<name>.lifecycle` (the runner's, and anyone failing rows for it). */
export function publishLifecycleTransition(bus: Pick<Bus, 'publish'>, row: QueueRow): void {
  bus.publish({
    topic: topics.deckyLifecycle(row.deckyName),
    type: 'lifecycle',
    payload: {
      lifecycleId: row.id,
      decky: row.deckyName,
      operation: row.operation,
      status: row.status,
      ...(row.error ? { error: row.error } : {}),
      ...(typeof row.eventId === 'number' ? { eventId: row.eventId } : {}),
    },
  })
}

/**
 * The lifecycle runner: a durable queue over the lifecycle table. It claims rows under a lease,
 * renews the lease while the operation runs, records running → succeeded | failed and publishes each
 * transition as `decky.<name>.lifecycle` after it is persisted. A crashed runner's rows come back
 * when their lease expires (operations are idempotent), up to `maxAttempts`, then fail with a reason.
 */
export class LifecycleRunner {
  readonly owner: string
  private readonly concurrency: number
  private readonly leaseMs: number
  private readonly renewEveryMs: number
  private readonly pollIntervalMs: number
  private readonly maxAttempts: number
  private readonly maxErrorLength: number
  private readonly inFlight = new Set<Promise<void>>()
  private readonly leases = new Set<AbortController>()
  private timer: NodeJS.Timeout | undefined
  private running = false
  private claiming: Promise<void> | undefined
  private claimAgain = false

  constructor(private readonly options: LifecycleRunnerOptions) {
    this.owner =
      options.owner ??
      `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}${options.hostId ? `:${options.hostId}` : ''}`
    this.concurrency = options.concurrency ?? 4
    this.leaseMs = options.leaseMs ?? 30_000
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.leaseMs / 3)
    this.pollIntervalMs = options.pollIntervalMs ?? 1000
    this.maxAttempts = options.maxAttempts ?? 3
    this.maxErrorLength = options.maxErrorLength ?? 2000
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.wake()
  }

  /**
   * Stops claiming and waits for the operations in flight to finish. With `abandon`, their leases are
   * given up first (the signal aborts): they record nothing, e.g. once their host stopped answering
   * and their rows were failed for them.
   */
  async stop({ abandon = false }: { abandon?: boolean } = {}): Promise<void> {
    this.running = false
    clearTimeout(this.timer)
    const abandonAll = () => {
      for (const lease of this.leases) lease.abort(new Error('runner stopped; row abandoned'))
    }
    if (abandon) abandonAll()
    await this.claiming
    // Rows claimed while that claim was finishing started after the first abort.
    if (abandon) abandonAll()
    await Promise.all(this.inFlight)
  }

  /** Claims now instead of at the next poll (call after committing new rows). */
  wake(): void {
    if (!this.running) return
    if (this.claiming) {
      this.claimAgain = true
      return
    }
    clearTimeout(this.timer)
    this.claiming = this.claimRound().finally(() => {
      this.claiming = undefined
      if (!this.running) return
      if (this.claimAgain) {
        this.claimAgain = false
        this.wake()
      } else this.timer = setTimeout(() => this.wake(), this.pollIntervalMs)
    })
  }

  private async claimRound(): Promise<void> {
    const free = this.concurrency - this.inFlight.size
    if (free <= 0) return
    let claimed: QueueRow[]
    try {
      const result = await this.options.queue.claim({
        owner: this.owner,
        leaseMs: this.leaseMs,
        limit: free,
        maxAttempts: this.maxAttempts,
        ...(this.options.hostId ? { hostId: this.options.hostId } : {}),
      })
      for (const row of result.exhausted) this.publish(row)
      claimed = result.claimed
    } catch (error) {
      this.report(error)
      return
    }
    for (const row of claimed) {
      this.publish(row)
      const work = this.run(row).finally(() => {
        this.inFlight.delete(work)
        // A slot is free: the next row (perhaps this decky's next operation) can go now.
        this.wake()
      })
      this.inFlight.add(work)
    }
  }

  private async run(row: QueueRow): Promise<void> {
    const lease = new AbortController()
    this.leases.add(lease)
    const renewal = setInterval(() => {
      this.options.queue.renewLease(row.id, this.owner, this.leaseMs).then(
        (held) => {
          if (!held) lease.abort(new Error('lease lost'))
        },
        (error) => this.report(error),
      )
    }, this.renewEveryMs)
    let outcome: { status: 'succeeded' } | { status: 'failed'; error: string }
    try {
      await this.options.execute(row, lease.signal)
      outcome = { status: 'succeeded' }
    } catch (error) {
      outcome = { status: 'failed', error: errorText(error, this.maxErrorLength) }
    } finally {
      clearInterval(renewal)
      this.leases.delete(lease)
    }
    if (lease.signal.aborted) return
    try {
      const finished = await this.options.queue.finish(row.id, this.owner, outcome)
      // Null: the lease was lost meanwhile and another runner owns the row's outcome.
      if (finished) this.publish(finished)
    } catch (error) {
      // The lease will expire and the row be retried: operations are idempotent.
      this.report(error)
    }
  }

  private publish(row: QueueRow): void {
    try {
      this.publishTransition(row)
    } catch (error) {
      // The bus is best effort; the row is persisted either way.
      this.report(error)
    }
  }

  private publishTransition(row: QueueRow): void {
    publishLifecycleTransition(this.options.bus, row)
  }

  private report(error: unknown): void {
    ;(this.options.onError ?? ((e) => console.error('lifecycle runner:', e)))(error)
  }
}
