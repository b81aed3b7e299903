/**
 * The one reconnect loop of the collector (container log streams and the Docker event stream):
 * run a session, then reconnect after an exponential backoff, until told to stop or aborted.
 *
 * Every wait here ends by removing what it added to the abort signal: a loop that waits thousands
 * of times (a container stopped and started all day) must not pile listeners on a long-lived signal.
 */
import { setTimeout as delay } from 'node:timers/promises'

export type Backoff = {
  /** First delay after a failed session, and the delay again once a session proved healthy. */
  initialMs: number
  /** The doubling stops here. */
  maxMs: number
}

/** How a session ended, and so what the loop does next. */
export type SessionEnd =
  /** The thing followed is gone: the loop ends. */
  | 'stop'
  /** Reconnect after the backoff delay, which then doubles up to the maximum. */
  | 'retry'
  /** Reconnect at once, the backoff starting over (the session already waited, e.g. for a container to start again). */
  | 'restart'

export type Session = {
  /** 0 for the first connection, then 1, 2, … */
  attempt: number
  /** The connection delivered what it is for: the next failure waits the initial delay again. */
  healthy(): void
}

export type ReconnectOptions = Backoff & {
  /** Ends the loop, also in the middle of a backoff wait. */
  signal: AbortSignal
  /** Called before every reconnection (not the first connection), with the delay just waited. */
  onReconnect?: (waitedMs: number) => void
}

/**
 * Runs `session` until it returns `stop` or the signal aborts. A session's exception is not
 * caught: the caller decides what an unexpected failure means.
 */
export async function reconnectLoop(
  session: (session: Session) => Promise<SessionEnd>,
  options: ReconnectOptions,
): Promise<void> {
  const { signal, initialMs, maxMs } = options
  let nextDelay = initialMs
  for (let attempt = 0; !signal.aborted; attempt++) {
    const end = await session({
      attempt,
      healthy: () => {
        nextDelay = initialMs
      },
    })
    if (end === 'stop' || signal.aborted) return
    let waited = 0
    if (end === 'retry') {
      waited = nextDelay
      if (!(await pause(nextDelay, signal))) return
      nextDelay = Math.min(nextDelay * 2, maxMs)
    } else {
      nextDelay = initialMs
    }
    options.onReconnect?.(waited)
  }
}

/**
 * Waits `ms` unless the signal aborts first; false when aborted. `timers/promises` removes its abort
 * listener when the timer fires, so waits leave nothing behind on the signal.
 */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal })
    return true
  } catch (error) {
    if (signal.aborted) return false
    throw error
  }
}

/**
 * A loop parked until something happens elsewhere (a container's next start). A wake that comes
 * while nobody waits is kept for the next wait, so one landing just before the loop parks is not
 * lost; at worst it costs the loop one extra look.
 */
export class Wakeup {
  private pending = false
  private release: (() => void) | undefined

  /** A loop is parked here now. */
  get waiting(): boolean {
    return this.release !== undefined
  }

  wake(): void {
    if (this.release) this.release()
    else this.pending = true
  }

  /** Resolves on `wake()` or when the signal aborts; the abort listener goes with the wait. */
  async wait(signal: AbortSignal): Promise<void> {
    if (this.pending) {
      this.pending = false
      return
    }
    if (signal.aborted) return
    let onAbort: (() => void) | undefined
    try {
      await new Promise<void>((resolve) => {
        onAbort = resolve
        this.release = resolve
        signal.addEventListener('abort', onAbort, { once: true })
      })
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort)
      this.release = undefined
    }
  }
}
