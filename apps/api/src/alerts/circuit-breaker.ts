// A channel's circuit breaker, as pure transitions: closed while sends succeed; open after
// `failureThreshold` consecutive failures (nothing is sent to it until `retryAt`); then half-open,
// where one probe decides: success closes it, failure opens it for another cooldown.
import type { BreakerState } from '@decnet/core'

export type BreakerSettings = { failureThreshold: number; cooldownMs: number }

export type Breaker = { state: BreakerState; consecutiveFailures: number; retryAt: Date | null }

export const CLOSED: Breaker = { state: 'closed', consecutiveFailures: 0, retryAt: null }

/** How many sends the breaker lets start now, given how many are in flight (and the channel's slots). */
export function sendsAllowed(breaker: Breaker, inFlight: number, slots: number, now: Date): number {
  if (breaker.state === 'closed') return Math.max(0, slots - inFlight)
  if (breaker.state === 'open' && breaker.retryAt && now < breaker.retryAt) return 0
  // Open and rested, or half-open: one probe at a time.
  return inFlight === 0 ? 1 : 0
}

/** The state a probe runs in: an open breaker that let one send through is half-open. */
export function probing(breaker: Breaker): Breaker {
  return breaker.state === 'open' ? { ...breaker, state: 'half_open' } : breaker
}

export function afterSuccess(): Breaker {
  return CLOSED
}

export function afterFailure(breaker: Breaker, settings: BreakerSettings, now: Date): Breaker {
  const consecutiveFailures = breaker.consecutiveFailures + 1
  if (breaker.state !== 'closed' || consecutiveFailures >= settings.failureThreshold) {
    return { state: 'open', consecutiveFailures, retryAt: new Date(now.getTime() + settings.cooldownMs) }
  }
  return { state: 'closed', consecutiveFailures, retryAt: null }
}
