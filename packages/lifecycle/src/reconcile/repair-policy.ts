/** Bounds of automatic repairs: a decky that keeps breaking must not be rebuilt in a tight loop. */
export type RepairPolicy = {
  /** Automatic repairs of one decky before giving up (until it is seen healthy again). */
  maxAttempts: number
  /** Wait after the first automatic repair before the next; doubles after each one. */
  backoffMs: number
  /**
   * How long a decky must have been seen broken, by passes whose engine answered, before its first
   * repair. A Docker daemon going down stops every container while it still answers for a moment
   * (a repair then removes and recreates containers on a daemon that is leaving, and may leave a decky
   * half-built); a pass that cannot ask the engine starts the wait again. Docker also restarts a crashed
   * container itself (restart policy) within this time.
   */
  confirmMs: number
}

export const DEFAULT_REPAIR_POLICY: RepairPolicy = { maxAttempts: 3, backoffMs: 30_000, confirmMs: 5_000 }

export type RepairDecision =
  | { kind: 'repair'; attempt: number; maxAttempts: number }
  /** Broken since `sinceMs`: not long enough to act on. */
  | { kind: 'confirming'; sinceMs: number }
  | { kind: 'wait'; untilMs: number }
  /** The last attempt was used up just now: record why, once. */
  | { kind: 'give-up'; attempts: number }
  | { kind: 'given-up'; attempts: number }

type Attempts = {
  count: number
  nextAtMs: number
  gaveUp: boolean
  /** When the current breakage was first seen by a pass whose engine answered; undefined: not seen yet. */
  brokenSinceMs: number | undefined
}

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
    const entry = this.attempts.get(name) ?? {
      count: 0,
      nextAtMs: 0,
      gaveUp: false,
      brokenSinceMs: undefined,
    }
    this.attempts.set(name, entry)
    if (entry.gaveUp) return { kind: 'given-up', attempts: entry.count }
    entry.brokenSinceMs ??= now
    if (now - entry.brokenSinceMs < this.policy.confirmMs)
      return { kind: 'confirming', sinceMs: entry.brokenSinceMs }
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
   * A pass could not ask the engine: what earlier passes saw may have been the engine going away, so
   * every breakage must be seen again for a full `confirmMs` (attempts already made still count).
   */
  engineLost(): void {
    for (const entry of this.attempts.values()) entry.brokenSinceMs = undefined
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
