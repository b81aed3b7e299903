import { describe, expect, it } from 'vitest'
import { openClient } from '../src/client.ts'
import { createDatabase, type DecnetDatabase } from '../src/database.ts'
import { appendLifecycleEvents } from '../src/repos/lifecycle-events.ts'
import { databases, decky, freshDatabaseEachTest } from './fixtures.ts'

describe.each(databases())('lifecycle events on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  const claim = (handle: DecnetDatabase, owner: string, limit = 10) =>
    handle.lifecycle.claim({ owner, leaseMs: 30_000, limit, maxAttempts: 3 })

  async function deploy(count: number, prefix = 'ev') {
    const plan = Array.from({ length: count }, (_, i) => decky(`${prefix}-${i}`, `10.9.0.${i + 1}`))
    return (await fresh.db.fleet.commitDeployPlan({ create: plan })).lifecycleIds
  }

  it('every transition is an event with an increasing id, and the changed rows carry it', async () => {
    const [id] = (await deploy(1)) as [string]
    const pending = await fresh.db.lifecycle.snapshot([id])
    expect(pending.map((r) => [r.status, typeof r.eventId])).toEqual([['pending', 'number']])
    const { claimed } = await claim(fresh.db, 'r')
    const running = claimed[0]
    const finished = await fresh.db.lifecycle.finish(id, 'r', { status: 'failed', error: 'boom' })
    const events = await fresh.db.lifecycle.eventsAfter([id], 0)
    expect(events.map((e) => [e.lifecycleId, e.status, e.attempt, e.error])).toEqual([
      [id, 'pending', 0, null],
      [id, 'running', 1, null],
      [id, 'failed', 1, 'boom'],
    ])
    expect(events.map((e) => e.id)).toEqual([pending[0]?.eventId, running?.eventId, finished?.eventId])
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b))
    expect((await fresh.db.lifecycle.snapshot([id]))[0]).toMatchObject({
      status: 'failed',
      eventId: finished?.eventId,
    })
  })

  it('a handle opened after a restart resumes from an event id of before it', async () => {
    const ids = await deploy(2)
    const before = (await fresh.db.lifecycle.snapshot(ids)).map((r) => r.eventId ?? 0)
    const cursor = Math.max(...before)
    const { claimed } = await claim(fresh.db, 'r')
    // A new process: nothing is remembered but what the database holds (the old handle is unused).
    const restarted = createDatabase(fresh.url)
    try {
      for (const row of claimed) await restarted.lifecycle.finish(row.id, 'r', { status: 'succeeded' })
      expect(await restarted.lifecycle.hasEvent(cursor, ids)).toBe(true)
      const missed = await restarted.lifecycle.eventsAfter(ids, cursor)
      expect(missed.map((e) => [e.lifecycleId, e.status])).toEqual([
        [ids[0], 'running'],
        [ids[1], 'running'],
        [ids[0], 'succeeded'],
        [ids[1], 'succeeded'],
      ])
      expect(missed.every((e) => e.id > cursor)).toBe(true)
    } finally {
      await restarted.close()
    }
  })

  it('an id that is unknown, pruned, or another row`s is no cursor for these rows', async () => {
    const [mine, other] = (await deploy(2)) as [string, string]
    const [otherRow] = await fresh.db.lifecycle.snapshot([other])
    expect(await fresh.db.lifecycle.hasEvent(999_999_999, [mine])).toBe(false)
    expect(await fresh.db.lifecycle.hasEvent(otherRow?.eventId ?? -1, [mine])).toBe(false)
    expect(await fresh.db.lifecycle.hasEvent(Number.NaN, [mine])).toBe(false)
  })

  it('prunes the oldest events past the kept count, by id range', async () => {
    const ids = await deploy(3)
    const conn = openClient(fresh.url)
    try {
      await conn.run(() => conn.transaction((tx) => appendLifecycleEvents(tx, conn.dialect, ids, 2)))
    } finally {
      await conn.close()
    }
    const kept = await fresh.db.lifecycle.eventsAfter(ids, 0)
    expect(kept.map((e) => e.lifecycleId)).toEqual([ids[1], ids[2]])
    // A row whose events are gone still has a snapshot, without an event id.
    expect((await fresh.db.lifecycle.snapshot([ids[0] as string]))[0]).toMatchObject({
      status: 'pending',
      eventId: null,
    })
  })

  it('failHost and exhausted leases write events too', async () => {
    await fresh.db.fleet.commitDeployPlan({ create: [{ ...decky('edge-1', '10.8.0.2'), hostId: 'edge' }] })
    const [failed] = await fresh.db.lifecycle.failHost('edge', 'host gone')
    expect(failed?.eventId).toBeGreaterThan(0)
    const events = await fresh.db.lifecycle.eventsAfter([failed?.id as string], 0)
    expect(events.map((e) => [e.status, e.error])).toEqual([
      ['pending', null],
      ['failed', 'host gone'],
    ])
  })

  // Commit-ordered ids matter most where writers run concurrently (PostgreSQL); SQLite serialises
  // writers, and its waits for the other handle's lock are timers, so the follower yields to them.
  it('two handles writing at once: a reader following the cursor misses nothing', async () => {
    const ids = await deploy(40, 'conc')
    const other = createDatabase(fresh.url)
    const seen: number[] = []
    let cursor = 0
    let writing = true
    const follow = (async () => {
      while (writing) {
        const batch = await other.lifecycle.eventsAfter(ids, cursor)
        for (const event of batch) seen.push(event.id)
        cursor = batch.at(-1)?.id ?? cursor
        // A SQLite read answers without I/O: without a macrotask turn this loop would starve the
        // writers' lock-retry timers.
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    try {
      const run = async (handle: DecnetDatabase, owner: string) => {
        for (;;) {
          const { claimed } = await claim(handle, owner, 2)
          if (claimed.length === 0) return
          await Promise.all(
            claimed.map((row) => handle.lifecycle.finish(row.id, owner, { status: 'succeeded' })),
          )
        }
      }
      await Promise.all([run(fresh.db, 'a'), run(other, 'b'), run(fresh.db, 'c')])
    } finally {
      writing = false
      await follow
    }
    for (const event of await other.lifecycle.eventsAfter(ids, cursor)) seen.push(event.id)
    await other.close()
    const all = (await fresh.db.lifecycle.eventsAfter(ids, 0)).map((e) => e.id)
    expect(all).toHaveLength(120)
    expect(seen).toEqual(all)
  })
})
