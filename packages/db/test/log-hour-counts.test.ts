// logs.histogram answers whole hours from LogHourCount (ingest keeps it) and the partial hours at
// the range's ends from the Log rows: every answer must equal a count of the stored events, whatever
// the range's alignment, bucket size, service or system filter, and purge clears the counts too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openClient } from '../src/client.ts'
import type { DecnetDatabase } from '../src/database.ts'
import { MAX_MATCHES, matchesPerHour } from '../src/repos/log-hours-of-ids.ts'
import { compileSearch } from '../src/search/compile.ts'
import { parseSearch } from '../src/search/grammar.ts'
import { openLogInsert } from '../src/testing/open-log-insert.ts'
import type { LogEventInput } from '../src/types.ts'
import { databases, event, freshDatabaseEachTest } from './fixtures.ts'

const START = Date.UTC(2026, 10, 25, 0, 0)
const SERVICES = ['ssh', 'http', 'smb']

// 600 events every 37 minutes (so they fall at every offset inside the hours), 1 in 7 a probe.
const EVENTS: LogEventInput[] = Array.from({ length: 600 }, (_, i) =>
  event({
    timestamp: new Date(START + i * 37 * 60_000 + (i % 50) * 1000),
    service: SERVICES[i % SERVICES.length] as string,
    rawLine: i % 5 === 0 ? `root login ${i}` : `probe ${i}`,
    system: i % 7 === 0,
  }),
)

type Case = { q?: string; from?: Date; to?: Date; bucketMinutes: number }

/** The histogram counted from EVENTS in JS: the independent reference. */
function expected({ q = '', from, to, bucketMinutes }: Case, byService: boolean, events = EVENTS) {
  const service = /service:(\w+)/.exec(q)?.[1]
  const system = /system:(\w+)/.exec(q)?.[1] ?? 'false'
  const counts = new Map<string, { t: number; service?: string; count: number }>()
  for (const e of events) {
    const at = e.timestamp.getTime()
    if ((from && at < from.getTime()) || (to && at >= to.getTime())) continue
    if (service && e.service !== service) continue
    if (system !== 'any' && (e.system ?? false) !== (system === 'true')) continue
    if (q.includes('root') && !e.rawLine.includes('root')) continue
    const seconds = bucketMinutes * 60
    const t = Math.floor(at / 1000 / seconds) * seconds * 1000
    const key = `${t} ${byService ? e.service : ''}`
    const seen = counts.get(key)
    if (seen) seen.count++
    else counts.set(key, byService ? { t, service: e.service, count: 1 } : { t, count: 1 })
  }
  return [...counts.values()]
    .sort((a, b) => a.t - b.t || (a.service ?? '').localeCompare(b.service ?? ''))
    .map(({ t, ...rest }) => ({ t: new Date(t), ...rest }))
}

const at = (hours: number, minutes = 0) => new Date(START + hours * 3_600_000 + minutes * 60_000)

const CASES: Case[] = [
  { bucketMinutes: 60 },
  { bucketMinutes: 180, from: at(3, 17), to: at(300, 41) },
  { bucketMinutes: 60, from: at(5), to: at(9) },
  { bucketMinutes: 120, from: at(10, 30), to: at(11, 10) }, // no whole hour inside
  { q: 'service:ssh', bucketMinutes: 60, from: at(2, 5) },
  { q: 'system:true', bucketMinutes: 360, to: at(200, 59) },
  { q: 'system:any service:http', bucketMinutes: 1440, from: at(1, 1), to: at(369) },
  { bucketMinutes: 15, from: at(20, 7), to: at(40, 3) }, // not whole hours: counted from Log rows
  // Text: on SQLite whole hours from the matches' ids (log-hours-of-ids.ts), elsewhere from Log rows.
  { q: 'root', bucketMinutes: 60, from: at(4, 44) },
  { q: 'root', bucketMinutes: 180, from: at(3, 17), to: at(300, 41) },
  { q: 'root', bucketMinutes: 60 },
  { q: 'root system:any', bucketMinutes: 120, to: at(250) },
  { q: 'root system:true', bucketMinutes: 60, from: at(0, 30) },
]

describe.each(databases())('histogram from hour counts on $kind', (provider) => {
  let db: DecnetDatabase
  beforeAll(async () => {
    ;({ db } = await provider.open())
    // In three batches, so hours are added to across batches.
    for (let i = 0; i < EVENTS.length; i += 250) await db.logs.ingest(EVENTS.slice(i, i + 250))
  })
  afterAll(() => provider.cleanup())

  it.each(CASES)('equals a count of the events: %o', async (input) => {
    expect(await db.logs.histogram({ ...input, byService: true })).toEqual(expected(input, true))
    expect(await db.logs.histogram(input)).toEqual(expected(input, false))
  })

  it('is empty after purge (the counts go with the rows)', async () => {
    await db.logs.purge()
    expect(await db.logs.histogram({ bucketMinutes: 60, byService: true })).toEqual([])
  })
})

// Ids follow arrival: events of old hours stored after newer ones widen those hours' id ranges over
// newer hours' ids. A text histogram must still count each match in its own hour.
const LATE: LogEventInput[] = [
  ...Array.from({ length: 120 }, (_, i) =>
    event({
      timestamp: at(100 + (i % 20), i % 60),
      rawLine: i % 3 === 0 ? `root recent ${i}` : `other ${i}`,
    }),
  ),
  // Late: hours 10-12 (before the window of some cases) and 105 (inside), in a batch after hour 119's.
  ...Array.from({ length: 30 }, (_, i) =>
    event({
      timestamp: i % 4 === 0 ? at(105, i) : at(10 + (i % 3), i),
      rawLine: i % 2 === 0 ? `root late ${i}` : `other late ${i}`,
    }),
  ),
  ...Array.from({ length: 40 }, (_, i) =>
    event({ timestamp: at(120 + (i % 5), i), rawLine: i % 2 === 0 ? `root after ${i}` : `other after ${i}` }),
  ),
  // Late for each of the 20 hours 100-119 at once: every id after the first batch is in 20 ranges.
  ...Array.from({ length: 20 }, (_, i) => event({ timestamp: at(100 + i, 59), rawLine: `root stray ${i}` })),
]

describe.each(databases())('text histogram with late events on $kind', (provider) => {
  let db: DecnetDatabase
  beforeAll(async () => {
    ;({ db } = await provider.open())
    await db.logs.ingest(LATE.slice(0, 120))
    await db.logs.ingest(LATE.slice(120, 150))
    await db.logs.ingest(LATE.slice(150, 190))
    await db.logs.ingest(LATE.slice(190))
  })
  afterAll(() => provider.cleanup())

  it.each<Case>([
    { q: 'root', bucketMinutes: 60 },
    { q: 'root', bucketMinutes: 60, from: at(100), to: at(125) },
    { q: 'root', bucketMinutes: 180, from: at(11, 30), to: at(121, 20) },
    { q: 'root', bucketMinutes: 60, from: at(104), to: at(106) },
    { q: 'root', bucketMinutes: 60, from: at(9), to: at(13) },
  ])('equals a count of the events: %o', async (input) => {
    expect(await db.logs.histogram(input)).toEqual(expected(input, false, LATE))
  })
})

describe('matches per hour from ids on SQLite', () => {
  const sqlite = databases().find((provider) => provider.kind === 'sqlite')
  if (!sqlite) throw new Error('the SQLite test database is missing')
  afterAll(() => sqlite.cleanup())

  it('counts every match once; beyond its cap it answers nothing and the histogram counts the rows', async () => {
    const { db, url } = await sqlite.open()
    await db.logs.ingest(LATE.slice(0, 120))
    await db.logs.ingest(LATE.slice(120))
    const match = compileSearch('sqlite', parseSearch('root')).ftsOnlyMatch as string
    const conn = openClient(url)
    try {
      const perHour = await conn.read(({ sql }) => matchesPerHour(sql, match, undefined, undefined))
      const counted = [...(perHour?.values() ?? [])].reduce((sum, n) => sum + n, 0)
      expect(counted).toBe(LATE.filter((e) => e.rawLine.startsWith('root')).length)
      expect(MAX_MATCHES).toBeGreaterThan(counted)
      expect(
        await conn.read(({ sql }) => matchesPerHour(sql, match, undefined, undefined, 5)),
      ).toBeUndefined()
    } finally {
      await conn.close()
    }
    const input = { q: 'root', bucketMinutes: 60 }
    expect(await db.logs.histogram(input)).toEqual(expected(input, false, LATE))
  })
})

describe('hour counts on PostgreSQL under concurrent writers', () => {
  const postgres = databases().find((provider) => provider.kind === 'postgres')
  if (!postgres) throw new Error('the PostgreSQL test database is missing')
  const fresh = freshDatabaseEachTest(postgres)

  it('an open transaction counting the same hour and service does not hold up ingest; the sums add up', async () => {
    const slow = await openLogInsert(fresh.url, { timestamp: at(1, 10), attackerIp: '198.51.100.1' })
    try {
      // The same hour and service from the repository's own connections, while that transaction is
      // open: with one shared count row per key this waited for the COMMIT below (and the test timed out).
      const batch = Array.from({ length: 40 }, (_, i) =>
        event({ timestamp: at(1, i), service: 'ssh', attackerIp: '198.51.100.2', rawLine: `fast ${i}` }),
      )
      const ingested = await Promise.race([
        fresh.db.logs.ingest(batch).then(() => 'ingested'),
        new Promise((resolve) => setTimeout(resolve, 10_000, 'waited')),
      ])
      expect(ingested).toBe('ingested')
      const hour = { bucketMinutes: 60, from: at(1), to: at(2), byService: true }
      expect(await fresh.db.logs.histogram(hour)).toEqual([{ t: at(1), service: 'ssh', count: 40 }])
      await slow.commit()
      expect(await fresh.db.logs.histogram(hour)).toEqual([{ t: at(1), service: 'ssh', count: 41 }])
    } finally {
      await slow.end()
    }
  })
})
