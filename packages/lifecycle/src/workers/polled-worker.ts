/**
 * A background worker whose job runs on a PollingLoop (incidents, enrichment, correlation), and the
 * start-up that pairs one with its heartbeat: `ok` with the worker's summary, `degraded` with the last
 * failed pass's error.
 */
import {
  healthWithLastError,
  startWithHeartbeat,
  type WorkerName,
  type WorkerWithHeartbeat,
} from './heartbeat.ts'
import { PollingLoop } from './polling-loop.ts'

/** What every polled worker's options carry besides its own. */
export type PolledWorkerOptions = {
  now?: () => Date
  heartbeatIntervalMs?: number
  onError?: (error: unknown) => void
}

export abstract class PolledWorker {
  protected readonly loop: PollingLoop

  constructor(schedule: { intervalMs: number; onError?: ((error: unknown) => void) | undefined }) {
    this.loop = new PollingLoop({
      pass: () => this.pass(),
      intervalMs: schedule.intervalMs,
      ...(schedule.onError ? { onError: schedule.onError } : {}),
    })
  }

  /** One scheduled pass of the worker's job. */
  protected abstract pass(): Promise<void>

  start(): void {
    this.loop.start()
  }

  /** Runs a pass soon (e.g. after an ingest batch) instead of waiting for the poll. */
  wake(): void {
    this.loop.wake()
  }

  stop(): Promise<void> {
    return this.loop.stop()
  }
}

export type PolledWorkerHandle<W> = WorkerWithHeartbeat & { worker: W }

/** Starts `worker` and its heartbeat named `name`, whose detail is `summary` of the worker's stats. */
export function startPolledWorker<
  S extends { lastError: string | null },
  W extends PolledWorker & { stats(): S },
>(
  worker: W,
  options: {
    db: Parameters<typeof startWithHeartbeat>[0]['db']
    name: WorkerName
    summary: (stats: ReturnType<W['stats']>) => string
    heartbeatIntervalMs?: number | undefined
    onError?: ((error: unknown) => void) | undefined
  },
): PolledWorkerHandle<W> {
  const running = startWithHeartbeat({
    db: options.db,
    worker: options.name,
    health: () => {
      const stats = worker.stats() as ReturnType<W['stats']>
      return healthWithLastError(options.summary(stats), stats.lastError)
    },
    start: () => worker.start(),
    stop: () => worker.stop(),
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    onError: options.onError,
  })
  return { worker, ...running }
}
