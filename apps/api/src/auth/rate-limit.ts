/**
 * Fixed-window counters keyed by an arbitrary string (IP, username, user id). In-process on purpose:
 * the limits protect this process's CPU and the database it owns.
 */
export type RateLimiter = {
  /** Counts one hit; returns how long to wait in ms when over the limit, else 0. */
  hit(key: string): number
  /** How long to wait in ms before one more hit would be allowed (0: allowed now); counts nothing. */
  peek(key: string): number
  reset(key: string): void
}

export function createRateLimiter({ limit, windowMs }: { limit: number; windowMs: number }): RateLimiter {
  const windows = new Map<string, { startedAt: number; count: number }>()
  let lastSweep = Date.now()
  const sweep = (now: number) => {
    if (now - lastSweep < windowMs) return
    lastSweep = now
    for (const [key, window] of windows) if (now - window.startedAt >= windowMs) windows.delete(key)
  }
  return {
    hit(key) {
      const now = Date.now()
      sweep(now)
      const window = windows.get(key)
      if (!window || now - window.startedAt >= windowMs) {
        windows.set(key, { startedAt: now, count: 1 })
        return 0
      }
      window.count++
      return window.count > limit ? window.startedAt + windowMs - now : 0
    },
    peek(key) {
      const now = Date.now()
      const window = windows.get(key)
      if (!window || now - window.startedAt >= windowMs) return 0
      return window.count >= limit ? window.startedAt + windowMs - now : 0
    },
    reset(key) {
      windows.delete(key)
    },
  }
}
