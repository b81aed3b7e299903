import type { Bus } from '@decnet/lifecycle'

/** Why a watcher woke: the newest event id the bus announced for its rows (0: a poll, read anyway). */
export type LifecycleWake = { announced: number }

/** Polling period while nothing arrives: a lost bus notification is picked up from the database. */
export const LIFECYCLE_POLL_MS = 3000

/**
 * Wake-ups for lifecycle watchers. The database (LifecycleEvent rows) is the truth and the source
 * of every event id; the bus only says "rows you watch changed, up to event N", on this process or
 * (Postgres bus) any other. Watchers then read the events after their position from the database,
 * so nothing is lost or duplicated across reconnects, restarts and processes.
 */
export class LifecycleFeed {
  private readonly listeners = new Set<(lifecycleId: string, eventId: number) => void>()
  private readonly unsubscribe: () => void

  constructor(
    bus: Bus,
    private readonly pollMs = LIFECYCLE_POLL_MS,
  ) {
    this.unsubscribe = bus.on('decky.*.lifecycle', (event) => {
      if (event.type !== 'lifecycle') return
      for (const listener of this.listeners) listener(event.payload.lifecycleId, event.payload.eventId ?? 0)
    })
  }

  /**
   * Starts listening for changes to `ids` now (so a caller can listen, then read the database, and
   * miss nothing in between). `next()` resolves at the next announced change, after `pollMs`, or on
   * abort; `stop()` ends the listening.
   */
  watch(ids: ReadonlySet<string>, signal: AbortSignal | undefined) {
    let announced = -1
    let wake: (() => void) | undefined
    const listener = (lifecycleId: string, eventId: number) => {
      if (!ids.has(lifecycleId)) return
      // A transition without an id (unknown origin) must still be read: treat it as unbounded.
      announced = Math.max(announced, eventId === 0 ? Number.MAX_SAFE_INTEGER : eventId)
      wake?.()
    }
    const onAbort = () => wake?.()
    this.listeners.add(listener)
    signal?.addEventListener('abort', onAbort)
    return {
      next: async (): Promise<LifecycleWake> => {
        if (announced < 0 && !signal?.aborted) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.pollMs)
            wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
          wake = undefined
        }
        const result = { announced: Math.max(announced, 0) }
        announced = -1
        return result
      },
      stop: () => {
        this.listeners.delete(listener)
        signal?.removeEventListener('abort', onAbort)
      },
    }
  }

  close(): void {
    this.unsubscribe()
    this.listeners.clear()
  }
}
