import type { LifecycleOperation, LifecycleStatus } from '@decnet/core'

/** The fields of a lifecycle row the runner reads; `@decnet/db`'s `LifecycleRow` is structurally one. */
export type QueueRow = {
  id: string
  deckyName: string
  /** The host the operation runs on (null: the local host). */
  hostId?: string | null
  operation: LifecycleOperation
  status: LifecycleStatus
  attempt: number
  error: string | null
  payload: Record<string, unknown>
  /** The durable event id its latest status change wrote (the database's queue sets it). */
  eventId?: number | null
}

export type ClaimRequest = {
  owner: string
  leaseMs: number
  limit: number
  maxAttempts: number
  /** Only this host's rows (one runner per host). */
  hostId?: string
}

export type FinishOutcome = { status: 'succeeded' } | { status: 'failed'; error: string }

/**
 * The durable queue the runner drives: `@decnet/db`'s `db.lifecycle` repository satisfies it.
 * Contract: `claim` atomically moves claimable rows to `running` under a lease (pending rows, and
 * running rows whose lease expired), at most one unfinished row per decky and in commit order, and
 * fails rows whose lease expired `maxAttempts` times (`exhausted`); `renewLease`/`finish` act only
 * while `owner` still holds the lease.
 */
export interface LifecycleQueue {
  claim(request: ClaimRequest): Promise<{ claimed: QueueRow[]; exhausted: QueueRow[] }>
  renewLease(id: string, owner: string, leaseMs: number): Promise<boolean>
  finish(id: string, owner: string, outcome: FinishOutcome): Promise<QueueRow | null>
}
