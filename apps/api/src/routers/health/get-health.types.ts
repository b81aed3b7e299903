import { ZComponentStatus, ZEngineKind, ZHealthStatus } from '@decnet/core'
import { z } from 'zod'
import { ZNoInput } from '../../no-input.ts'

export const ZComponentHealth = z.object({
  /** `degraded`: it works, but not fully (a worker reporting trouble, deckies not running). */
  status: ZComponentStatus,
  detail: z.string().max(500),
})

export const ZGetHealthInput = ZNoInput

export const ZGetHealthOutput = z.object({
  status: ZHealthStatus,
  version: z.string(),
  uptimeSeconds: z.number().int().nonnegative(),
  engine: ZEngineKind,
  components: z.object({
    api: ZComponentHealth,
    database: ZComponentHealth,
    engine: ZComponentHealth,
    runner: ZComponentHealth,
    collector: ZComponentHealth,
    reconciler: ZComponentHealth,
    mutator: ZComponentHealth,
    /** Alert delivery: degraded while an enabled channel fails or has its breaker open. */
    alerts: ZComponentHealth,
    /** Attacker enrichment (labels, geo/ASN, reverse DNS): degraded while its last pass failed. */
    enrichment: ZComponentHealth,
    /** Enrolled hosts: down when any stops answering (counts only for signed-in callers). */
    hosts: ZComponentHealth,
    /** The deckies as last recorded: degraded while any is not running (counts for signed-in callers only). */
    deckies: ZComponentHealth,
  }),
})

export type TComponentHealth = z.infer<typeof ZComponentHealth>
export type TGetHealthOutput = z.infer<typeof ZGetHealthOutput>
