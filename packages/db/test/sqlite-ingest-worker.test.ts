// On SQLite, an ingest batch's statements run on the handle's ingest worker thread (sqlite-ingest/):
// the batch commits without the main thread, reads answer meanwhile from their own connections, a
// failed batch rolls back whole and is reported, and it can then be written again exactly once.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createDatabase } from '../src/database.ts'
import { event, migratedSqliteFile, suiteTempDir } from './fixtures.ts'

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Busy-waits (the main thread does nothing else) until `done()` or `deadlineMs`; returns whether it got there. */
function spinUntil(done: () => boolean, deadlineMs: number): boolean {
  const end = Date.now() + deadlineMs
  while (Date.now() < end) if (done()) return true
  return false
}

const batch = (size: number, tag: string) =>
  Array.from({ length: size }, (_, i) =>
    event({
      rawLine: `${tag} ${i}`,
      attackerIp: `198.51.100.${i % 50}`,
      fields: { username: 'root', password: `pw${i % 7}` },
    }),
  )

describe('SQLite ingest worker thread', () => {
  const dir = suiteTempDir('decnet-ingest-worker-')

  it('commits a batch while the main thread is blocked (the statements run on the worker)', async () => {
    const file = await migratedSqliteFile(dir, 'blocked.db')
    const db = createDatabase(`file:${file}`)
    const observer = new Database(file, { readonly: true })
    // Asks for the write lock without waiting: busy while the worker's transaction holds it.
    const prober = new Database(file, { timeout: 0 })
    try {
      // The first batch starts the worker.
      await db.logs.ingest(batch(10, 'warm-up'))
      const count = observer.prepare('SELECT count(*) AS n FROM "Log"')
      const rows = () => (count.get() as { n: number }).n

      const pending = db.logs.ingest(batch(5000, 'while blocked'))
      // The batch is prepared and handed over a slice at a time; once the worker's transaction holds
      // the write lock, everything has been handed over.
      const writeLockHeld = () => {
        try {
          prober.exec('BEGIN IMMEDIATE')
          prober.exec('ROLLBACK')
          return false
        } catch (error) {
          if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true
          throw error
        }
      }
      while (!writeLockHeld() && rows() !== 5010) await nextTurn()
      // Nothing runs on this thread now: on the main thread's own connection the transaction
      // could not even start, let alone commit. Generous bound: it only fails if no thread writes.
      const landed = spinUntil(() => rows() === 5010, 60_000)
      expect(landed).toBe(true)
      const stored = await pending
      expect(stored).toHaveLength(5000)
      // Ids in batch order, after the warm-up's.
      expect(stored.map((row) => row.rawLine)).toEqual(batch(5000, 'while blocked').map((e) => e.rawLine))
      for (let i = 1; i < stored.length; i++) {
        expect(stored[i]?.id).toBe((stored[i - 1]?.id as number) + 1)
      }
    } finally {
      prober.close()
      observer.close()
      await db.close()
    }
  })

  it('reads answer while a batch is being written, and see all of it or none of it', async () => {
    const file = await migratedSqliteFile(dir, 'reads.db')
    const db = createDatabase(`file:${file}`)
    try {
      await db.logs.ingest(batch(10, 'warm-up'))
      let written = false
      const pending = db.logs.ingest(batch(20_000, 'big')).then((rows) => {
        written = true
        return rows
      })
      await nextTurn()
      const search = await db.logs.search({ q: 'big' })
      const counts = await db.logs.counts(new Date(0))
      const attackers = await db.attackers.list({ limit: 100 })
      expect(written).toBe(false)
      expect([0, 10_000]).toContain(search.total) // capped count: everything or nothing
      expect([10, 20_010]).toContain(counts.logs)
      expect([10, 50]).toContain(attackers.total)
      await pending
      expect((await db.logs.counts(new Date(0))).logs).toBe(20_010)
    } finally {
      await db.close()
    }
  })

  it('a batch failing inside the worker rolls back whole, is reported, and is stored once on retry', async () => {
    const file = await migratedSqliteFile(dir, 'failing.db')
    const db = createDatabase(`file:${file}`)
    const saboteur = new Database(file)
    try {
      await db.logs.ingest(batch(10, 'warm-up'))
      // The batch's Log rows insert fine; its credential upsert then fails.
      saboteur.exec('ALTER TABLE "Credential" RENAME TO "CredentialAway"')
      const attempt = batch(300, 'retried')
      await expect(db.logs.ingest(attempt)).rejects.toThrow(/Credential/)
      expect((await db.logs.counts(new Date(0))).logs).toBe(10)
      saboteur.exec('ALTER TABLE "CredentialAway" RENAME TO "Credential"')
      const stored = await db.logs.ingest(attempt)
      expect(stored).toHaveLength(300)
      expect((await db.logs.counts(new Date(0))).logs).toBe(310)
      expect((await db.logs.search({ q: 'retried' })).total).toBe(300)
    } finally {
      saboteur.close()
      await db.close()
    }
  })
})
