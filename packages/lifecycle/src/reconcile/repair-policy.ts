/** Bounds of automatic repairs: a decky that keeps breaking must not be rebuilt in a tight loop. */
export type RepairPolicy = {
  /** Automatic repairs of one decky before giving up (until it is seen healthy again). */
  maxAttempts: number
  /** Wait after the first automatic repair before the next; doubles after each one. */
  backoffMs: number
}

export const DEFAULT_REPAIR_POLICY: RepairPolicy = { maxAttempts: 3, backoffMs: 30_000 }

export type RepairDecision =
  | { kind: 'repair'; attempt: number; maxAttempts: number }
  | { kind: 'wait'; untilMs: number }
  /** The last attempt was used up just now: record why, once. */
  | { kind: 'give-up'; attempts: number }
  | { kind: 'given-up'; attempts: number }

type Attempts = { count: number; nextAtMs: number; gaveUp: boolean }

/** Per decky: automatic repairs so far, when the next may run, and whether they were given up. */
export class RepairTracker {
  private readonly policy: RepairPolicy
  private readonly attempts = new Map<string, Attempts>()

  constructor(
    policy: Partial<RepairPolicy> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.policy = { ...DEFAULT_REPAIR_POLICY, ...policy }
  }

  /** Seen healthy: its next breakage starts a fresh series of attempts. */
  healthy(name: string): void {
    this.attempts.delete(name)
  }

  /** Whether to queue a repair for a broken decky now (and counts it when so). */
  next(name: string): RepairDecision {
    const now = this.now()
    const entry = this.attempts.get(name) ?? { count: 0, nextAtMs: 0, gaveUp: false }
    this.attempts.set(name, entry)
    if (entry.gaveUp) return { kind: 'given-up', attempts: entry.count }
    if (now < entry.nextAtMs) return { kind: 'wait', untilMs: entry.nextAtMs }
    if (entry.count >= this.policy.maxAttempts) {
      entry.gaveUp = true
      return { kind: 'give-up', attempts: entry.count }
    }
    entry.count++
    entry.nextAtMs = now + this.policy.backoffMs * 2 ** (entry.count - 1)
    return { kind: 'repair', attempt: entry.count, maxAttempts: this.policy.maxAttempts }
  }

  /**
   * Forgets given-up deckies that are no longer listed: removed from the fleet, or busy with an
   * operation (an operator's repair or redeploy starts a fresh series). Deckies still being repaired
   * automatically keep their count, so their own repair rows do not reset it.
   */
  forgetGivenUpExcept(listed: ReadonlySet<string>): void {
    for (const [name, entry] of this.attempts)
      if (entry.gaveUp && !listed.has(name)) this.attempts.delete(name)
  }

  /** Deckies whose automatic repairs were given up. */
  gaveUpOn(): string[] {
    return [...this.attempts].filter(([, entry]) => entry.gaveUp).map(([name]) => name)
  }
}
