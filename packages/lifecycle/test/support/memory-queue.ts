import type { ClaimRequest, FinishOutcome, LifecycleQueue, QueueRow } from '../../src/index.ts'

type StoredRow = QueueRow & { leaseOwner: string | null; leaseUntil: number; seq: number }

/**
 * An in-memory stand-in for `db.lifecycle` with the same contract (claimable = pending or lease
 * expired; one unfinished row per decky, oldest first; exhausted rows failed), for runner tests.
 */
export class MemoryQueue implements LifecycleQueue {
  readonly rows: StoredRow[] = []
  private seq = 0

  add(
    deckyName: string,
    operation: QueueRow['operation'] = 'deploy',
    extra: Partial<StoredRow> = {},
  ): StoredRow {
    const row: StoredRow = {
      id: `row-${++this.seq}`,
      deckyName,
      operation,
      status: 'pending',
      attempt: 0,
      error: null,
      payload: {},
      leaseOwner: null,
      leaseUntil: 0,
      seq: this.seq,
      ...extra,
    }
    this.rows.push(row)
    return row
  }

  async claim({ owner, leaseMs, limit, maxAttempts }: ClaimRequest) {
    const now = Date.now()
    const expired = (row: StoredRow) => row.status === 'running' && row.leaseUntil < now
    const exhausted = this.rows.filter((row) => expired(row) && row.attempt >= maxAttempts)
    for (const row of exhausted) {
      Object.assign(row, { status: 'failed', leaseOwner: null, error: `lease expired ${row.attempt} times` })
    }
    const claimed: StoredRow[] = []
    for (const row of [...this.rows].sort((a, b) => a.seq - b.seq)) {
      if (claimed.length >= limit) break
      if (!(row.status === 'pending' || expired(row)) || row.attempt >= maxAttempts) continue
      const earlier = this.rows.some(
        (other) =>
          other.deckyName === row.deckyName &&
          other.seq < row.seq &&
          (other.status === 'pending' || other.status === 'running'),
      )
      if (earlier) continue
      Object.assign(row, {
        status: 'running',
        attempt: row.attempt + 1,
        leaseOwner: owner,
        leaseUntil: now + leaseMs,
      })
      claimed.push(row)
    }
    return { claimed: claimed.map((row) => ({ ...row })), exhausted: exhausted.map((row) => ({ ...row })) }
  }

  async renewLease(id: string, owner: string, leaseMs: number) {
    const row = this.rows.find((r) => r.id === id && r.leaseOwner === owner && r.status === 'running')
    if (row) row.leaseUntil = Date.now() + leaseMs
    return row !== undefined
  }

  async finish(id: string, owner: string, outcome: FinishOutcome) {
    const row = this.rows.find((r) => r.id === id && r.leaseOwner === owner && r.status === 'running')
    if (!row) return null
    Object.assign(row, {
      status: outcome.status,
      error: outcome.status === 'failed' ? outcome.error : null,
      leaseOwner: null,
    })
    return { ...row }
  }
}
