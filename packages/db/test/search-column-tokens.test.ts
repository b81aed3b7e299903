// A word with a column filter (`admin service:ssh`). PostgreSQL matches both in its GIN index: the
// index expression holds each row's short decky, service and event type as tokens (compile.ts
// PG_SEARCH_VECTOR, migration 0029). Both databases must return exactly the rows as written, whatever
// the value holds (quotes, backslashes) and however long it is (long values get no token).
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DecnetDatabase } from '../src/database.ts'
import { compileSearch } from '../src/search/compile.ts'
import { parseSearch } from '../src/search/grammar.ts'
import type { LogEventInput } from '../src/types.ts'
import { databases, event } from './fixtures.ts'

const LONG_TYPE = `custom_${'x'.repeat(200)}`
const ODD_DECKY = "o'brien\\db"
const ROWS = 420

type Row = { decky: string; service: string; eventType: string; rawLine: string; system: boolean }
const rowOf = (i: number): Row => ({
  decky: i % 10 === 3 ? ODD_DECKY : `web-0${i % 3}`,
  service: ['ssh', 'http', 'ftp'][i % 3] as string,
  eventType: i % 11 === 5 ? LONG_TYPE : i % 2 === 0 ? 'login_attempt' : 'command',
  rawLine: i % 4 === 0 ? `admin root ${i}` : i % 4 === 1 ? `root admin ${i}` : `guest ${i}`,
  system: i % 13 === 0,
})

describe.each(databases())('a word with a column filter on $kind', (provider) => {
  let db: DecnetDatabase
  let ids: number[]
  beforeAll(async () => {
    ;({ db } = await provider.open())
    const start = Date.UTC(2026, 10, 25)
    const input: LogEventInput[] = Array.from({ length: ROWS }, (_, i) =>
      event({ ...rowOf(i), timestamp: new Date(start + i * 1000) }),
    )
    ids = (await db.logs.ingest(input)).map((row) => row.id)
  })
  afterAll(() => provider.cleanup())

  /** Ids (newest first) of the rows `keep` selects, as written. */
  const expected = (keep: (row: Row) => boolean) => ids.filter((_, i) => keep(rowOf(i))).reverse()
  const hasWord = (row: Row, word: string) => row.rawLine.split(' ').includes(word)
  const search = async (q: string) => {
    const page = await db.logs.search({ q, limit: 500 })
    expect(page.totalExact).toBe(true)
    expect(page.total).toBe(page.rows.length)
    return page.rows.map((row) => row.id)
  }

  it('a word and a service: only the attack rows with both', async () => {
    const want = expected((row) => hasWord(row, 'admin') && row.service === 'ssh' && !row.system)
    expect(want.length).toBeGreaterThan(20)
    expect(await search('admin service:ssh')).toEqual(want)
    expect(await search('admin service:ssh system:true')).toEqual(
      expected((row) => hasWord(row, 'admin') && row.service === 'ssh' && row.system),
    )
  })

  it('a phrase with a decky and an event type', async () => {
    expect(await search('"admin root" decky:web-01 type:login_attempt')).toEqual(
      expected(
        (row) =>
          row.rawLine.startsWith('admin root') &&
          row.decky === 'web-01' &&
          row.eventType === 'login_attempt' &&
          !row.system,
      ),
    )
  })

  it('a value with a quote and a backslash is matched exactly', async () => {
    const want = expected((row) => hasWord(row, 'root') && row.decky === ODD_DECKY && !row.system)
    expect(want.length).toBeGreaterThan(5)
    expect(await search(`root decky:"${ODD_DECKY}"`)).toEqual(want)
    expect(await search(`root decky:"o'brien"`)).toEqual([])
  })

  it('a value too long for a token is still found, and its prefix finds nothing', async () => {
    const want = expected((row) => hasWord(row, 'guest') && row.eventType === LONG_TYPE && !row.system)
    expect(want.length).toBeGreaterThan(3)
    expect(await search(`guest type:${LONG_TYPE}`)).toEqual(want)
    expect(await search(`guest type:${LONG_TYPE.slice(0, 128)}`)).toEqual([])
  })

  it('OR and NOT groups beside a column', async () => {
    expect(await search('(admin OR guest) service:ftp NOT root')).toEqual(
      expected(
        (row) =>
          (hasWord(row, 'admin') || hasWord(row, 'guest')) &&
          !hasWord(row, 'root') &&
          row.service === 'ftp' &&
          !row.system,
      ),
    )
  })
})

describe.each(databases().filter((provider) => provider.kind === 'postgres'))(
  'the plan on $kind',
  (provider) => {
    afterAll(() => provider.cleanup())

    it('a word and a column are counted from the GIN index, with no column filter on the rows', async () => {
      const { url } = await provider.open()
      const compiled = compileSearch('postgres', parseSearch('admin service:ssh'))
      expect(compiled.where).not.toContain('l."service" =')
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        // An empty table: the planner would scan it; the question is whether the index can answer.
        await client.query('SET enable_seqscan = off')
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT count(*) FROM ${compiled.from} WHERE ${compiled.where}`,
          compiled.args,
        )
        const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n')
        expect(text).toContain('Log_search_idx')
        expect(text).not.toMatch(/Filter:.*service/)
      } finally {
        await client.end()
      }
    })
  },
)
