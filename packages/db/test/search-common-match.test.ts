// A match too common to count exactly (more than COUNT_CAP rows): the total says "more than", and the
// page is still the newest matches, probes left out. PostgreSQL reads such a page differently (the
// token text, newest id first: compile.ts commonMatch), so both databases are checked against the
// rows as written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DecnetDatabase } from '../src/database.ts'
import { COUNT_CAP } from '../src/repos/logs.ts'
import type { LogEventInput } from '../src/types.ts'
import { databases, event } from './fixtures.ts'

// Attack rows (6 in 7) beyond the cap.
const ROWS = COUNT_CAP + 10_000
const isProbe = (i: number) => i % 7 === 0
const other = (i: number) => i % 5 === 1
const rawLine = (i: number) =>
  other(i) ? `other line ${i}` : i % 4 === 0 ? `word common ${i}` : `common word ${i}`

describe.each(databases())('a common match on $kind', (provider) => {
  let db: DecnetDatabase
  let ids: number[]
  beforeAll(async () => {
    ;({ db } = await provider.open())
    const start = Date.UTC(2026, 10, 25)
    const input: LogEventInput[] = Array.from({ length: ROWS }, (_, i) =>
      event({ timestamp: new Date(start + i * 1000), rawLine: rawLine(i), system: isProbe(i) }),
    )
    ids = []
    for (let i = 0; i < input.length; i += 2000) {
      ids.push(...(await db.logs.ingest(input.slice(i, i + 2000))).map((row) => row.id))
    }
  }, 120_000)
  afterAll(() => provider.cleanup())

  /** Ids of rows i (newest first) that satisfy `keep`, from `below` down. */
  const expected = (keep: (i: number) => boolean, count: number, below = Number.POSITIVE_INFINITY) =>
    ids
      .map((id, i) => ({ id, i }))
      .filter(({ id, i }) => id < below && keep(i))
      .reverse()
      .slice(0, count)
      .map(({ id }) => id)

  it('a word: "more than" the cap, the newest attack rows first, then the next page', async () => {
    const first = await db.logs.search({ q: 'common', limit: 50 })
    expect(first.totalExact).toBe(false)
    expect(first.total).toBe(COUNT_CAP)
    expect(first.rows.map((row) => row.id)).toEqual(expected((i) => !isProbe(i) && !other(i), 50))
    const second = await db.logs.search({ q: 'common', limit: 50, cursor: first.nextCursor })
    expect(second.rows.map((row) => row.id)).toEqual(
      expected((i) => !isProbe(i) && !other(i), 50, Number(first.nextCursor)),
    )
  })

  it('a common phrase: only the rows with the words in that order', async () => {
    const page = await db.logs.search({ q: '"common word"', limit: 40 })
    expect(page.totalExact).toBe(false)
    expect(page.rows.map((row) => row.id)).toEqual(
      expected((i) => !isProbe(i) && !other(i) && i % 4 !== 0, 40),
    )
    expect(page.rows.every((row) => row.rawLine.startsWith('common word'))).toBe(true)
  })

  it('the probes of a common word are counted exactly, and system:any pages both', async () => {
    const probes = await db.logs.search({ q: 'common system:true', limit: 10 })
    expect(probes.total).toBe(
      Array.from({ length: ROWS }, (_, i) => i).filter((i) => isProbe(i) && !other(i)).length,
    )
    expect(probes.totalExact).toBe(true)
    expect(probes.rows.map((row) => row.id)).toEqual(expected((i) => isProbe(i) && !other(i), 10))
    const any = await db.logs.search({ q: 'word system:any', limit: 10 })
    expect(any.rows.map((row) => row.id)).toEqual(expected((i) => !other(i), 10))
  })
})
