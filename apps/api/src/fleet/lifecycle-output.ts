import type { LifecycleRow } from '@decnet/core'
import type { LifecycleRow as LifecycleRecord } from '@decnet/db'

/** API.md's LifecycleRow: the runner's lease and payload stay inside. */
export function toLifecycleOutput(row: LifecycleRecord): LifecycleRow {
  return {
    id: row.id,
    deckyName: row.deckyName,
    hostId: row.hostId,
    operation: row.operation,
    status: row.status,
    attempt: row.attempt,
    error: row.error,
    startedAt: row.startedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    completedAt: row.completedAt ? row.completedAt.toISOString() : null,
  }
}
