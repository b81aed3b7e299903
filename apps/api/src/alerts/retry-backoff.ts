// When a failed delivery is tried again: exponential in the attempts made, capped, with jitter so the
// deliveries that failed together (an endpoint that went down) do not all come back at once.

export type BackoffSettings = { baseMs: number; maxMs: number }

/** Delay before attempt `attempts + 1`: base · 2^(attempts − 1), capped, then a random 50-100 % of it. */
export function retryDelayMs(
  attempts: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponential = settings.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30)
  const capped = Math.min(exponential, settings.maxMs)
  return Math.round(capped * (0.5 + random() * 0.5))
}
