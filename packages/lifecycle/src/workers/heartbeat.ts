/**
 * Worker heartbeats: each background worker (`collector`, `mutator`, …) records that it is alive,
 * with a status and a short detail, every `intervalMs`. Health checks read `db.heartbeats`; a stale
 * `beatAt` means the worker is gone. A failed write is reported and retried at the next beat.
 */
import type { DecnetDatabase, WorkerHeartbeat } from '@decnet/db'

export type WorkerName = 'collector' | 'mutator' | (string & {})

export type HeartbeatState = { status: WorkerHeartbeat['status']; detail?: string | null }

export type HeartbeatOptions = {
  db: { heartbeats: Pick<DecnetDatabase['heartbeats'], 'beat'> }
  worker: WorkerName
  /** Current status and detail, asked at every beat. */
  state: () => HeartbeatState
  /** Default 15 s. */
  intervalMs?: number
  now?: () => Date
  onError?: (error: unknown) => void
}

export type Heartbeat = {
  /** Beats now (also done at start and on every interval). */
  beat(): Promise<void>
  /** Stops the timer; with a final state (e.g. `failed` + reason, or `ok` + "stopped") beats once more. */
  stop(final?: HeartbeatState): Promise<void>
}

export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const report = options.onError ?? ((error) => console.error(`heartbeat ${options.worker}:`, error))
  let inFlight: Promise<void> = Promise.resolve()
  const write = (state: HeartbeatState) => {
    inFlight = inFlight
      .then(() =>
        options.db.heartbeats.beat({
          worker: options.worker,
          status: state.status,
          detail: state.detail ?? null,
          ...(options.now ? { at: options.now() } : {}),
        }),
      )
      .catch(report)
    return inFlight
  }
  const beat = () => {
    let state: HeartbeatState
    try {
      state = options.state()
    } catch (error) {
      state = { status: 'failed', detail: error instanceof Error ? error.message : String(error) }
    }
    return write(state)
  }
  const timer = setInterval(() => void beat(), options.intervalMs ?? 15_000)
  timer.unref()
  void beat()
  return {
    beat,
    async stop(final) {
      clearInterval(timer)
      if (final) await write(final)
      else await inFlight
    },
  }
}

/** `ok` with the worker's summary, or `degraded` with its last error appended (capped). */
export function healthWithLastError(detail: string, lastError: string | null): HeartbeatState {
  return lastError
    ? { status: 'degraded', detail: `${detail}; last error: ${lastError}`.slice(0, 1000) }
    : { status: 'ok', detail }
}

export type WorkerWithHeartbeatOptions = {
  db: HeartbeatOptions['db']
  worker: WorkerName
  health: () => HeartbeatState
  start(): void
  stop(): Promise<void>
  heartbeatIntervalMs?: number | undefined
  onError?: ((error: unknown) => void) | undefined
}

export type WorkerWithHeartbeat = {
  health(): HeartbeatState
  /** Stops the worker, then beats a final `ok` `stopped; …` with its last detail (a deliberate stop is healthy). */
  stop(): Promise<void>
}

/** Starts a background worker and the heartbeat that reports its health. */
export function startWithHeartbeat(options: WorkerWithHeartbeatOptions): WorkerWithHeartbeat {
  const heartbeat = startHeartbeat({
    db: options.db,
    worker: options.worker,
    state: options.health,
    ...(options.heartbeatIntervalMs ? { intervalMs: options.heartbeatIntervalMs } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  })
  options.start()
  return {
    health: options.health,
    async stop() {
      await options.stop()
      await heartbeat.stop({ status: 'ok', detail: `stopped; ${options.health().detail ?? ''}` })
    },
  }
}
