// The counts behind /metrics on both databases: every known status present, rows counted by status.
import { describe, expect, it } from 'vitest'
import { databases, decky, freshDatabaseEachTest } from './fixtures.ts'

describe.each(databases())('operations metrics snapshot on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('reports zero for every status of an empty installation', async () => {
    const snapshot = await fresh.db.operationsMetrics.snapshot()
    expect(Object.values(snapshot.deckiesByState).every((count) => count === 0)).toBe(true)
    expect(snapshot.lifecycleByStatus).toEqual({ pending: 0, running: 0, succeeded: 0, failed: 0 })
    expect(snapshot.deliveriesByStatus).toEqual({ pending: 0, delivered: 0, failed: 0, dead: 0 })
  })

  it('counts deckies by state and lifecycle rows by status', async () => {
    const { lifecycleIds } = await fresh.db.fleet.commitDeployPlan({
      create: [decky('m-0', '10.9.0.1'), decky('m-1', '10.9.0.2'), decky('m-2', '10.9.0.3')],
    })
    await fresh.db.fleet.setState('m-0', 'running')
    const { claimed } = await fresh.db.lifecycle.claim({
      owner: 'r',
      leaseMs: 30_000,
      limit: 2,
      maxAttempts: 3,
    })
    expect(claimed).toHaveLength(2)
    await fresh.db.lifecycle.finish(claimed[0]?.id as string, 'r', { status: 'failed', error: 'boom' })

    const snapshot = await fresh.db.operationsMetrics.snapshot()
    expect(snapshot.deckiesByState.running).toBe(1)
    expect(Object.values(snapshot.deckiesByState).reduce((a, b) => a + b, 0)).toBe(3)
    expect(snapshot.lifecycleByStatus).toEqual({ pending: 1, running: 1, succeeded: 0, failed: 1 })
    expect(lifecycleIds).toHaveLength(3)
  })
})
