// The unfiltered attackers list (and the stats page) read the attacker total from AttackerCount,
// which triggers keep (migration 0027), instead of counting the table per page. The kept total must
// equal a count of the rows however they were written: ingest (concurrent transactions on
// PostgreSQL), rows written behind the repositories' back, deletes, purge; and on PostgreSQL it
// must stay exact when readers fold the per-statement rows into one.
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createDatabase, type DecnetDatabase } from '../src/database.ts'
import { executeRaw } from '../src/testing/raw-sql.ts'
import { databases, event, freshDatabaseEachTest, upgradesFromBefore } from './fixtures.ts'

/** The total the list reports against a real count (a filtered list counts its rows). */
async function keptAndCounted(db: DecnetDatabase) {
  const kept = (await db.attackers.list({ limit: 1 })).total
  const counted = (await db.attackers.list({ q: '1', limit: 1 })).total // every address here starts with 1
  return { kept, counted, count: await db.attackers.count() }
}

const rawAttacker = (ip: string): [string, (string | Date | number)[]] => [
  `INSERT INTO "Attacker" ("id", "ip", "firstSeen", "lastSeen", "updatedAt") VALUES ($1, $2, $3, $3, $3)`,
  [`raw-${ip}`, ip, new Date('2026-11-25T10:00:00Z')],
]

describe.each(databases())('the kept attacker total on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('equals a count of the rows through concurrent ingest, raw inserts, deletes and purge', async () => {
    const handles =
      provider.kind === 'postgres'
        ? [fresh.db, createDatabase(fresh.url), createDatabase(fresh.url)]
        : [fresh.db]
    try {
      // Batches of 450 addresses (three insert chunks each), overlapping their neighbours by half, in
      // parallel: new rows in several chunks of several transactions at once.
      const batches = Array.from({ length: 9 }, (_, b) =>
        Array.from({ length: 450 }, (_, i) => {
          const n = b * 225 + i
          return event({ attackerIp: `10.9.${n >> 8}.${n & 255}`, rawLine: `probe ${b}.${i}` })
        }),
      )
      await Promise.all(
        batches.map((batch, b) => (handles[b % handles.length] as DecnetDatabase).logs.ingest(batch)),
      )
      const distinct = 8 * 225 + 450
      expect(await keptAndCounted(fresh.db)).toEqual({ kept: distinct, counted: distinct, count: distinct })

      await executeRaw(fresh.url, [rawAttacker('192.0.2.1'), rawAttacker('192.0.2.2')])
      await executeRaw(fresh.url, [[`DELETE FROM "Attacker" WHERE "ip" LIKE $1`, ['10.9.0.%']]])
      const left = distinct + 2 - 256
      expect(await keptAndCounted(fresh.db)).toEqual({ kept: left, counted: left, count: left })

      await fresh.db.logs.purge()
      expect(await keptAndCounted(fresh.db)).toEqual({ kept: 0, counted: 0, count: 0 })
    } finally {
      for (const handle of handles.slice(1)) await handle.close()
    }
  })
})

describe('PostgreSQL’s per-statement count rows', () => {
  const postgres = databases().find((provider) => provider.kind === 'postgres')
  if (!postgres) throw new Error('the PostgreSQL test database is missing')
  const fresh = freshDatabaseEachTest(postgres)

  it('stays exact when a reader folds PostgreSQL’s per-statement rows into one', async () => {
    // 300 inserting statements: 300 count rows (beyond the fold threshold) on top of the first.
    await executeRaw(
      fresh.url,
      Array.from({ length: 300 }, (_, i) => rawAttacker(`10.10.${i >> 8}.${i & 255}`)),
    )
    const countRows = async () => {
      const client = new pg.Client({ connectionString: fresh.url })
      await client.connect()
      try {
        return Number((await client.query('SELECT count(*) AS n FROM "AttackerCount"')).rows[0].n)
      } finally {
        await client.end()
      }
    }
    expect(await countRows()).toBeGreaterThan(300)
    // Readers side by side: each folds what it summed; the sum never changes.
    const totals = await Promise.all(Array.from({ length: 6 }, () => fresh.db.attackers.count()))
    expect(totals).toEqual(Array(6).fill(300))
    expect(await countRows()).toBeLessThanOrEqual(6)
    expect(await keptAndCounted(fresh.db)).toEqual({ kept: 300, counted: 300, count: 300 })
  })
})

describe('migration 0027 counts the attackers already stored', () => {
  upgradesFromBefore('0027_attacker_count', {
    oldRows: () => [rawAttacker('192.0.2.7'), rawAttacker('198.51.100.7'), rawAttacker('10.0.0.7')],
    check: async (url) => {
      const db = createDatabase(url)
      try {
        expect((await db.attackers.list({ limit: 1 })).total).toBe(3)
        await db.logs.ingest([event({ attackerIp: '10.0.0.8' }), event({ attackerIp: '10.0.0.7' })])
        expect(await db.attackers.count()).toBe(4)
      } finally {
        await db.close()
      }
    },
  })
})
