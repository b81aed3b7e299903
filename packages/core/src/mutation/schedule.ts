// When the mutator loop should rotate a decky. Time is passed in, never read here.

export interface MutationTiming {
  mutateIntervalMinutes?: number | null
  lastMutatedAt?: Date | string | null
  /** Fallback reference for a decky never mutated, so a fresh deploy is not rotated at once. */
  createdAt?: Date | string | null
}

/** The decky's own interval, else the global one; null means never mutate automatically. */
export function effectiveIntervalMinutes(
  deckyMinutes: number | null | undefined,
  globalMinutes: number | null,
): number | null {
  return deckyMinutes && deckyMinutes > 0 ? deckyMinutes : globalMinutes
}

/** True when the effective interval has elapsed since the last mutation (else since creation). */
export function isMutationDue(decky: MutationTiming, globalMinutes: number | null, now: Date): boolean {
  const minutes = effectiveIntervalMinutes(decky.mutateIntervalMinutes, globalMinutes)
  if (minutes === null) return false
  const reference = decky.lastMutatedAt ?? decky.createdAt
  if (!reference) return true
  const last = new Date(reference).getTime()
  if (Number.isNaN(last)) return true
  return now.getTime() - last >= minutes * 60_000
}
