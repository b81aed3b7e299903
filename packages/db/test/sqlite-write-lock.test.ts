// Another process holding the SQLite write lock (a CLI, a backup, a second DECNET process) must not
// freeze this one: the event loop stays free, reads answer from their own connections, the liveness
// probe answers at once, and writes wait (on a timer) and land once the lock is released.
import { statSync } from 'node:fs'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createDatabase } from '../src/database.ts'
import { applySqlitePragmas, isBusyError, retryWhileBusy, WAL_SIZE_LIMIT_BYTES } from '../src/sqlite.ts'
import { holdWriteLock } from '../src/testing/write-lock.ts'
import { decky, event, migratedSqliteFile, suiteTempDir } from './fixtures.ts'

/** Largest delay of a 10 ms timer while it runs: how long the event loop was blocked at worst. */
function watchTimerLag() {
  let worst = 0
  let expected = Date.now() + 10
  const timer = setInterval(() => {
    worst = Math.max(worst, Date.now() - expected)
    expected = Date.now() + 10
  }, 10)
  return {
    stop: () => {
      clearInterval(timer)
      // A timer that never got to run is the longest stall of all.
      return Math.max(worst, Date.now() - expected)
    },
  }
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now()
  const value = await work
  return { value, ms: performance.now() - start }
}

describe('SQLite while another process holds the write lock', () => {
  const dir = suiteTempDir('decnet-lock-')

  it('for 20 s: no event-loop stall, reads and ping answer, writes wait and all land afterwards', async () => {
    const file = await migratedSqliteFile(dir, 'locked.db')
    const db = createDatabase(`file:${file}`)
    try {
      await db.fleet.commitDeployPlan({ create: [decky('before-01', '10.0.0.1')] })
      await db.logs.ingest([event({ rawLine: 'before the lock' })])

      const lock = await holdWriteLock(file, 20_000)
      const lockedAt = Date.now()
      const lag = watchTimerLag()
      // Every write path: the raw ingest transaction, a Prisma interactive transaction, a Prisma
      // upsert and a single-statement create.
      const landed: string[] = []
      const writes = [
        db.logs
          .ingest(Array.from({ length: 200 }, (_, i) => event({ rawLine: `during the lock ${i}` })))
          .then(() => landed.push('ingest')),
        db.fleet
          .commitDeployPlan({ create: [decky('during-01', '10.0.0.2')] })
          .then(() => landed.push('deploy')),
        db.settings.set('during', { n: 1 }).then(() => landed.push('setting')),
        db.users
          .create({ username: 'during', passwordHash: 'x', role: 'viewer', mustChangePassword: false })
          .then(() => landed.push('user')),
      ]

      // Reads and the probe, repeatedly across the lock, each answered promptly (generous bound).
      let probes = 0
      while (Date.now() - lockedAt < 15_000) {
        const list = await timed(db.fleet.list())
        expect(list.value.map((d) => d.name)).toEqual(['before-01'])
        const search = await timed(db.logs.search({ q: 'before' }))
        expect(search.value.total).toBe(1)
        const ping = await timed(db.ping())
        for (const ms of [list.ms, search.ms, ping.ms]) expect(ms).toBeLessThan(1_000)
        probes++
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
      expect(probes).toBeGreaterThan(10)
      // Health can tell that writes are stuck behind another process.
      expect((await db.ping()).writeLockWaitMs).toBeGreaterThan(10_000)
      expect(landed).toEqual([])

      await lock.released
      await Promise.all(writes)
      const worstLagMs = lag.stop()
      console.log(`20 s external write lock: worst timer lag ${worstLagMs} ms, ${probes} read rounds`)
      expect(worstLagMs).toBeLessThan(500)
      expect(landed.sort()).toEqual(['deploy', 'ingest', 'setting', 'user'])
      expect((await db.fleet.list()).map((d) => d.name)).toEqual(['before-01', 'during-01'])
      expect((await db.logs.search({ q: 'during', limit: 500 })).total).toBe(200)
      expect(await db.settings.get('during')).toEqual({ n: 1 })
      expect((await db.users.findByUsername('during'))?.role).toBe('viewer')
      expect((await db.ping()).writeLockWaitMs).toBe(0)
    } finally {
      await db.close()
    }
  }, 60_000)

  it('a write gives up with SQLITE_BUSY only after its deadline, without blocking meanwhile', async () => {
    const file = await migratedSqliteFile(dir, 'deadline.db')
    const writer = new Database(file)
    applySqlitePragmas(writer)
    writer.exec('CREATE TABLE scratch (n INTEGER)')
    try {
      const lock = await holdWriteLock(file, 3_000)
      const lag = watchTimerLag()
      const start = Date.now()
      const insert = writer.prepare('INSERT INTO scratch (n) VALUES (1)')
      const failure = await retryWhileBusy(() => insert.run(), undefined, 500).catch(
        (error: unknown) => error,
      )
      expect(isBusyError(failure)).toBe(true)
      expect(Date.now() - start).toBeGreaterThanOrEqual(500)
      expect(lag.stop()).toBeLessThan(250)
      await lock.released
      // Once released, the same write goes through.
      expect((await retryWhileBusy(() => insert.run(), undefined, 500)).changes).toBe(1)
    } finally {
      writer.close()
    }
  }, 30_000)

  it('an ingest batch lets the event loop run between its statements', async () => {
    const file = await migratedSqliteFile(dir, 'batch.db')
    const db = createDatabase(`file:${file}`)
    try {
      const events = Array.from({ length: 20_000 }, (_, i) =>
        event({ rawLine: `batch ${i}`, attackerPort: i }),
      )
      const lag = watchTimerLag()
      const { ms } = await timed(db.logs.ingest(events))
      const worstLagMs = lag.stop()
      console.log(
        `ingest of 20,000 events in one batch: ${ms.toFixed(0)} ms, worst timer lag ${worstLagMs} ms`,
      )
      // Without yielding, the timer would wait for the whole batch (lag ~ duration).
      expect(worstLagMs).toBeLessThan(ms / 2)
      expect((await db.logs.counts()).logs).toBe(20_000)
    } finally {
      await db.close()
    }
  }, 60_000)

  it('the idle checkpoint truncates the WAL after a burst bigger than its size limit', async () => {
    const file = await migratedSqliteFile(dir, 'wal.db')
    const db = createDatabase(`file:${file}`, { walCheckpointIntervalMs: 300 })
    try {
      const padding = 'x'.repeat(1_500)
      // One transaction bigger than the limit: the WAL cannot be reset while it is written.
      await db.logs.ingest(
        Array.from({ length: 20_000 }, (_, i) => event({ rawLine: `burst ${i} ${padding}` })),
      )
      // The burst went through the WAL ...
      const peak = statSync(`${file}-wal`).size
      expect(peak).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES)
      // ... and once nothing writes, the background checkpoint cuts it back.
      const deadline = Date.now() + 20_000
      while (statSync(`${file}-wal`).size > WAL_SIZE_LIMIT_BYTES && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(statSync(`${file}-wal`).size).toBeLessThan(WAL_SIZE_LIMIT_BYTES)
      expect((await db.logs.counts()).logs).toBe(20_000)
    } finally {
      await db.close()
    }
  }, 120_000)
})
