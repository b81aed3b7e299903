/**
 * Fixed-window counters keyed by an arbitrary string (IP, username, user id). In-process on purpose:
 * the limits protect this process's CPU and the database it owns.
 */
export type RateLimiter = {
  /** Counts one hit; returns how long to wait in ms when over the limit, else 0. */
  hit(key: string): number
  /**
   * Reserves one of the window's slots, or refuses (counting nothing) when none is left. Check and
   * count happen in one synchronous step, so concurrent calls (a batch, parallel requests) can never
   * all pass a check made before any of them was counted. A reserved slot can be given back.
   */
  reserve(key: string): Reservation
}

export type Reservation =
  | {
      granted: true /** How many slots of the window are taken, this one included. */
      count: number
      release(): void
    }
  | { granted: false; retryAfterMs: number }

type Window = { startedAt: number; count: number }

export function createRateLimiter({ limit, windowMs }: { limit: number; windowMs: number }): RateLimiter {
  const windows = new Map<string, Window>()
  let lastSweep = Date.now()
  const sweep = (now: number) => {
    if (now - lastSweep < windowMs) return
    lastSweep = now
    for (const [key, window] of windows) if (now - window.startedAt >= windowMs) windows.delete(key)
  }
  const current = (key: string, now: number): Window => {
    sweep(now)
    const existing = windows.get(key)
    if (existing && now - existing.startedAt < windowMs) return existing
    const fresh = { startedAt: now, count: 0 }
    windows.set(key, fresh)
    return fresh
  }
  return {
    hit(key) {
      const now = Date.now()
      const window = current(key, now)
      window.count++
      return window.count > limit ? window.startedAt + windowMs - now : 0
    },
    reserve(key) {
      const now = Date.now()
      const window = current(key, now)
      if (window.count >= limit) return { granted: false, retryAfterMs: window.startedAt + windowMs - now }
      window.count++
      let released = false
      return {
        granted: true,
        count: window.count,
        release() {
          // A slot of a window that has since ended is gone with it.
          if (released || windows.get(key) !== window) return
          released = true
          window.count--
        },
      }
    },
  }
}
