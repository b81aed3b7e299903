import { totalmem } from 'node:os'

/**
 * Memory a decky is budgeted on its host: a 3-service decky holds ~20 MiB idle (its pause base and one
 * decoy process for all its services) plus ~5 MiB of containerd shims (fleet density bench, spec §10),
 * with headroom for attack traffic. Placement only compares hosts with it, so the estimate needs to be
 * fair, not exact.
 */
export const DECKY_MEMORY_BUDGET_BYTES = 64 * 1024 * 1024

/** How many deckies a host with this much memory is given before another host looks emptier. */
export function deckyCapacity(memoryBytes: number): number {
  return Math.max(1, Math.floor(memoryBytes / DECKY_MEMORY_BUDGET_BYTES))
}

/** The built-in local host's capacity: this machine's memory. */
export function localDeckyCapacity(): number {
  return deckyCapacity(totalmem())
}
