import { describe, expect, it } from 'vitest'
import { createDatabase, type DecnetDatabase } from '../src/database.ts'
import { databases, decky, freshDatabaseEachTest } from './fixtures.ts'

describe.each(databases())('lifecycle queue on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  const t0 = new Date('2026-11-25T10:00:00Z')
  const at = (ms: number) => new Date(t0.getTime() + ms)
  const claimAt = (handle: DecnetDatabase, owner: string, now: Date, limit = 10) =>
    handle.lifecycle.claim({ owner, leaseMs: 30_000, limit, maxAttempts: 3, now })

  async function deploy(count: number, prefix = 'd') {
    const plan = Array.from({ length: count }, (_, i) =>
      decky(`${prefix}-${i}`, `10.1.${Math.floor(i / 200)}.${(i % 200) + 1}`),
    )
    return (await fresh.db.fleet.commitDeployPlan({ create: plan })).lifecycleIds
  }

  it('claims pending rows in commit order, leased and counted', async () => {
    const ids = await deploy(3)
    const { claimed } = await claimAt(fresh.db, 'runner-a', t0, 2)
    expect(claimed.map((r) => r.id)).toEqual(ids.slice(0, 2))
    for (const row of claimed) {
      expect(row).toMatchObject({ status: 'running', attempt: 1, leaseOwner: 'runner-a' })
      expect(row.leaseUntil?.toISOString()).toBe(at(30_000).toISOString())
    }
    expect((await claimAt(fresh.db, 'runner-a', t0)).claimed.map((r) => r.id)).toEqual([ids[2]])
    expect((await claimAt(fresh.db, 'runner-a', t0)).claimed).toEqual([])
  })

  it('two runners claiming concurrently never get the same row', async () => {
    const ids = await deploy(60)
    const other = createDatabase(fresh.url)
    try {
      const seen: string[] = []
      // Interleaved claims from two handles (two connections), as two runner processes would do.
      for (let round = 0; round < 10; round++) {
        const [a, b] = await Promise.all([
          claimAt(fresh.db, 'runner-a', t0, 4),
          claimAt(other, 'runner-b', t0, 4),
        ])
        for (const row of a.claimed) expect(row.leaseOwner).toBe('runner-a')
        for (const row of b.claimed) expect(row.leaseOwner).toBe('runner-b')
        seen.push(...a.claimed.map((r) => r.id), ...b.claimed.map((r) => r.id))
      }
      expect(new Set(seen).size).toBe(seen.length)
      expect(seen.sort()).toEqual([...ids].sort())
    } finally {
      await other.close()
    }
  })

  it('an expired lease makes the row claimable again with attempt + 1', async () => {
    const [id] = await deploy(1)
    await claimAt(fresh.db, 'crashed', t0)
    expect((await claimAt(fresh.db, 'runner-b', at(10_000))).claimed).toEqual([]) // lease still held
    const { claimed } = await claimAt(fresh.db, 'runner-b', at(31_000))
    expect(claimed.map((r) => [r.id, r.attempt, r.leaseOwner])).toEqual([[id, 2, 'runner-b']])
    // The crashed runner lost the lease: it can neither renew nor record a result.
    expect(await fresh.db.lifecycle.renewLease(id as string, 'crashed', 30_000, at(31_500))).toBe(false)
    expect(
      await fresh.db.lifecycle.finish(id as string, 'crashed', { status: 'succeeded' }, at(32_000)),
    ).toBeNull()
  })

  it('renewing keeps the lease; finishing records the outcome', async () => {
    const [id] = await deploy(1)
    await claimAt(fresh.db, 'runner-a', t0)
    expect(await fresh.db.lifecycle.renewLease(id as string, 'runner-a', 30_000, at(25_000))).toBe(true)
    expect((await claimAt(fresh.db, 'runner-b', at(40_000))).claimed).toEqual([])
    const done = await fresh.db.lifecycle.finish(
      id as string,
      'runner-a',
      { status: 'failed', error: 'port 22 did not answer' },
      at(41_000),
    )
    expect(done).toMatchObject({
      status: 'failed',
      error: 'port 22 did not answer',
      leaseOwner: null,
      attempt: 1,
    })
    expect(done?.completedAt?.toISOString()).toBe(at(41_000).toISOString())
    expect((await fresh.db.lifecycle.get([id as string]))[0]?.status).toBe('failed')
    expect(await fresh.db.lifecycle.listActive()).toEqual([])
  })

  it('fails a row whose lease expired maxAttempts times instead of claiming it forever', async () => {
    const [id] = await deploy(1)
    for (let attempt = 0; attempt < 3; attempt++) {
      const { claimed } = await claimAt(fresh.db, `r${attempt}`, at(attempt * 60_000))
      expect(claimed[0]?.attempt).toBe(attempt + 1)
    }
    const { claimed, exhausted } = await claimAt(fresh.db, 'r9', at(10 * 60_000))
    expect(claimed).toEqual([])
    expect(exhausted.map((r) => [r.id, r.status, r.attempt])).toEqual([[id, 'failed', 3]])
    expect(exhausted[0]?.error).toContain('lease expired 3 times')
  })

  it("runs one decky's operations in order: a later row waits for the earlier one", async () => {
    const [deployId] = await deploy(1, 'seq')
    const { lifecycleId: mutateId } = await fresh.db.fleet.commitMutation('seq-0', ['ftp'], {})
    expect((await claimAt(fresh.db, 'r', t0)).claimed.map((r) => r.id)).toEqual([deployId])
    expect((await claimAt(fresh.db, 'r', t0)).claimed).toEqual([])
    await fresh.db.lifecycle.finish(deployId as string, 'r', { status: 'succeeded' }, at(1000))
    expect((await claimAt(fresh.db, 'r', at(2000))).claimed.map((r) => r.id)).toEqual([mutateId])
  })

  it('a host-scoped claim takes only that host`s rows; rows without a host are the local host`s', async () => {
    const { lifecycleIds } = await fresh.db.fleet.commitDeployPlan({
      create: [decky('loc-1', '10.5.0.2'), { ...decky('edge-1', '10.5.0.2'), hostId: 'edge' }],
    })
    expect(
      (
        await fresh.db.lifecycle.claim({
          owner: 'edge-runner',
          leaseMs: 30_000,
          limit: 10,
          maxAttempts: 3,
          hostId: 'edge',
          now: t0,
        })
      ).claimed.map((r) => r.deckyName),
    ).toEqual(['edge-1'])
    const local = await fresh.db.lifecycle.claim({
      owner: 'local-runner',
      leaseMs: 30_000,
      limit: 10,
      maxAttempts: 3,
      hostId: 'local',
      now: t0,
    })
    expect(local.claimed.map((r) => [r.id, r.hostId])).toEqual([[lifecycleIds[0], 'local']])
  })

  it('failHost fails only that host`s unfinished rows, and their late finish is not recorded', async () => {
    await fresh.db.fleet.commitDeployPlan({
      create: [
        { ...decky('edge-1', '10.6.0.2'), hostId: 'edge' },
        { ...decky('edge-2', '10.6.0.3'), hostId: 'edge' },
        decky('loc-1', '10.6.0.2'),
      ],
    })
    const running = await fresh.db.lifecycle.claim({
      owner: 'edge-runner',
      leaseMs: 30_000,
      limit: 1,
      maxAttempts: 3,
      hostId: 'edge',
      now: t0,
    })
    const failed = await fresh.db.lifecycle.failHost('edge', 'host edge stopped answering', at(1_000))
    expect(failed.map((r) => [r.deckyName, r.status, r.error])).toEqual([
      ['edge-1', 'failed', 'host edge stopped answering'],
      ['edge-2', 'failed', 'host edge stopped answering'],
    ])
    const late = running.claimed[0]
    expect(
      late && (await fresh.db.lifecycle.finish(late.id, 'edge-runner', { status: 'succeeded' })),
    ).toBeNull()
    expect((await fresh.db.lifecycle.listActive()).map((r) => [r.deckyName, r.status])).toEqual([
      ['loc-1', 'pending'],
    ])
  })

  it('get() returns rows ordered by start and omits unknown ids', async () => {
    const ids = await deploy(3)
    const rows = await fresh.db.lifecycle.get(['nope', ...[...ids].reverse()])
    expect(rows.map((r) => r.id)).toEqual(ids)
    expect(await fresh.db.lifecycle.get([])).toEqual([])
  })
})
