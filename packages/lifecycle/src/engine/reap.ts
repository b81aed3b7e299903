import type { ReapReport } from '@decnet/core'
import { DEFAULT_REAP_MIN_AGE_MS, type ReapOptions } from './types.ts'

/** One thing an engine runs for a decky (a container, an in-process decky), as the reaping sees it. */
export type ReapCandidate = {
  decky: string
  createdAtMs: number
  /** Names it by kind, in an error: `container 'x'`, `decky 'y'`. */
  label: string
  /** Removes it; resolves to the names it reports as removed. */
  remove: () => Promise<string[]>
}

export const emptyReapReport = (): ReapReport => ({ containersRemoved: [], networksRemoved: [], errors: [] })

/**
 * The reaping both engines share: each candidate of a decky not in `known` and older than `minAgeMs` is
 * removed, in the order given; a failure is reported in `report` and the rest still go.
 */
export async function reapCandidates(
  candidates: readonly ReapCandidate[],
  known: ReadonlySet<string>,
  { minAgeMs = DEFAULT_REAP_MIN_AGE_MS }: ReapOptions,
  report: ReapReport,
): Promise<void> {
  const createdBefore = Date.now() - minAgeMs
  for (const candidate of candidates) {
    if (known.has(candidate.decky) || candidate.createdAtMs > createdBefore) continue
    try {
      report.containersRemoved.push(...(await candidate.remove()))
    } catch (error) {
      report.errors.push(`${candidate.label}: ${(error as Error).message}`)
    }
  }
}
