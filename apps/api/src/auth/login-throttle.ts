import { createRateLimiter, type Reservation } from './rate-limit.ts'

/**
 * Brute-force protection for auth.login. Every attempt reserves its slots BEFORE the password hash
 * is checked (a success gives them back), so no number of concurrent or batched attempts can
 * outrun the count.
 * - per client IP, and per (IP, username): hard limits, answered with TOO_MANY_REQUESTS;
 * - per username alone: no refusal (that would let anyone lock the real user out from elsewhere),
 *   but a delay that doubles with each recent failure beyond a few, capped.
 */
export type LoginThrottleLimits = {
  perIp: { limit: number; windowMs: number }
  perIpAndUsername: { limit: number; windowMs: number }
  perUsername: { freeAttempts: number; windowMs: number; baseDelayMs: number; maxDelayMs: number }
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = {
  perIp: { limit: 30, windowMs: 60_000 },
  perIpAndUsername: { limit: 10, windowMs: 15 * 60_000 },
  perUsername: { freeAttempts: 5, windowMs: 15 * 60_000, baseDelayMs: 250, maxDelayMs: 8_000 },
}

export type LoginAdmission =
  | { admitted: false; retryAfterMs: number }
  | {
      admitted: true
      /** How long to wait before checking the password (the username's backoff). */
      delayMs: number
      /** The password was right: the attempt's slots are given back. */
      succeeded(): void
    }

export type LoginThrottle = { admit(clientIp: string, usernameKey: string): LoginAdmission }

/** The per-username backoff for the n-th attempt (1-based) of a window. */
export function usernameDelayMs(attempt: number, limits: LoginThrottleLimits['perUsername']): number {
  const excess = attempt - limits.freeAttempts
  if (excess <= 0) return 0
  return Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** Math.min(excess - 1, 30))
}

export function createLoginThrottle(limits: LoginThrottleLimits = DEFAULT_LOGIN_LIMITS): LoginThrottle {
  const perIp = createRateLimiter(limits.perIp)
  const perIpAndUsername = createRateLimiter(limits.perIpAndUsername)
  // Never refuses: it only counts, to size the delay.
  const perUsername = createRateLimiter({
    limit: Number.POSITIVE_INFINITY,
    windowMs: limits.perUsername.windowMs,
  })
  return {
    admit(clientIp, usernameKey) {
      const held: Extract<Reservation, { granted: true }>[] = []
      for (const reservation of [
        () => perIp.reserve(clientIp),
        // NUL cannot occur in either part, so no two pairs share a key.
        () => perIpAndUsername.reserve(`${clientIp}\u0000${usernameKey}`),
      ]) {
        const result = reservation()
        if (!result.granted) {
          for (const slot of held) slot.release()
          return { admitted: false, retryAfterMs: result.retryAfterMs }
        }
        held.push(result)
      }
      const username = perUsername.reserve(usernameKey)
      if (username.granted) held.push(username)
      return {
        admitted: true,
        delayMs: usernameDelayMs(
          username.granted ? username.count : Number.POSITIVE_INFINITY,
          limits.perUsername,
        ),
        succeeded() {
          for (const slot of held) slot.release()
        },
      }
    },
  }
}
