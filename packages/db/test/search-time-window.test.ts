// A time-bounded search walks only the ids its window's hours hold (LogHourCount's id ranges). Ids
// follow arrival, not event time, so rows that arrived late, early or out of order must still be
// found in their window, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DecnetDatabase } from '../src/database.ts'
import type { LogEventInput } from '../src/types.ts'
import { databases, event } from './fixtures.ts'

const at = (iso: string) => new Date(iso)

// Ingest order is the array order (one batch each, so ids increase down the list).
const arrivals: { name: string; input: LogEventInput }[] = [
  // A clock running ahead: stored first (the lowest id), its timestamp two hours later.
  { name: 'early', input: event({ timestamp: at('2026-11-25T12:10:00Z'), rawLine: 'skewed clock wget' }) },
  { name: 'h10a', input: event({ timestamp: at('2026-11-25T10:05:00Z'), rawLine: 'first wget' }) },
  {
    name: 'h11',
    input: event({ timestamp: at('2026-11-25T11:20:00Z'), service: 'http', rawLine: 'GET / wget' }),
  },
  { name: 'h10b', input: event({ timestamp: at('2026-11-25T10:40:00Z'), rawLine: 'second wget' }) },
  { name: 'h13', input: event({ timestamp: at('2026-11-25T13:00:00Z'), rawLine: 'later curl' }) },
  // A host's logs caught up after a reconnect: the newest id, an old hour.
  {
    name: 'late',
    input: event({ timestamp: at('2026-11-25T10:50:00Z'), service: 'http', rawLine: 'late wget' }),
  },
  { name: 'probe', input: event({ timestamp: at('2026-11-25T10:55:00Z'), rawLine: 'probe', system: true }) },
  // Before 1970: each database's hour is integer division, which rounds toward zero there.
  { name: 'old', input: event({ timestamp: at('1969-12-31T23:30:00Z'), rawLine: 'old wget' }) },
]

describe.each(databases())('time-bounded search on $kind', (provider) => {
  let db: DecnetDatabase
  const names = new Map<number, string>()
  beforeAll(async () => {
    ;({ db } = await provider.open())
    for (const { name, input } of arrivals) {
      const [row] = await db.logs.ingest([input])
      names.set(row?.id as number, name)
    }
  })
  afterAll(() => provider.cleanup())

  const search = async (
    q: string,
    from: string,
    to: string,
    extra: { limit?: number; cursor?: string } = {},
  ) => {
    const result = await db.logs.search({ q, from: at(from), to: at(to), ...extra })
    return { ...result, names: result.rows.map((row) => names.get(row.id)) }
  }

  it.each([
    ['', '2026-11-25T10:00:00Z', '2026-11-25T11:00:00Z', ['late', 'h10b', 'h10a']],
    ['', '2026-11-25T10:30:00Z', '2026-11-25T10:45:00Z', ['h10b']],
    ['', '2026-11-25T12:00:00Z', '2026-11-25T13:00:00Z', ['early']],
    ['', '2026-11-25T11:00:00Z', '2026-11-25T14:00:00Z', ['h13', 'h11', 'early']],
    ['wget', '2026-11-25T10:00:00Z', '2026-11-25T11:00:00Z', ['late', 'h10b', 'h10a']],
    ['wget', '2026-11-25T10:00:00Z', '2026-11-25T13:00:00Z', ['late', 'h10b', 'h11', 'h10a', 'early']],
    ['service:http', '2026-11-25T10:00:00Z', '2026-11-25T12:00:00Z', ['late', 'h11']],
    ['service:http wget', '2026-11-25T10:00:00Z', '2026-11-25T11:00:00Z', ['late']],
    ['system:true', '2026-11-25T10:00:00Z', '2026-11-25T11:00:00Z', ['probe']],
    ['wget', '1969-12-31T23:00:00Z', '1970-01-01T00:00:00Z', ['old']],
  ])(
    'q=%j from %s to %s: every row of the window, newest id first, counted',
    async (q, from, to, expected) => {
      const result = await search(q, from, to)
      expect(result.names).toEqual(expected)
      expect(result.total).toBe(expected.length)
      expect(result.totalExact).toBe(true)
    },
  )

  it('a window no stored row falls in is empty, not an error', async () => {
    const result = await search('', '2026-11-26T00:00:00Z', '2026-11-27T00:00:00Z')
    expect(result).toMatchObject({ total: 0, totalExact: true, rows: [] })
  })

  it('pages through a window with the cursor, the late row first', async () => {
    const seen: (string | undefined)[] = []
    let cursor: string | undefined
    do {
      const page = await search('', '2026-11-25T10:00:00Z', '2026-11-25T11:00:00Z', {
        limit: 1,
        ...(cursor ? { cursor } : {}),
      })
      expect(page.total).toBe(3)
      seen.push(...page.names)
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(['late', 'h10b', 'h10a'])
  })

  it('an open-ended window is bounded on its closed side only', async () => {
    const since = await db.logs.search({ q: 'wget', from: at('2026-11-25T11:00:00Z') })
    expect(since.rows.map((row) => names.get(row.id))).toEqual(['h11', 'early'])
    const until = await db.logs.search({ q: 'wget', to: at('2026-11-25T10:45:00Z') })
    expect(until.rows.map((row) => names.get(row.id))).toEqual(['old', 'h10b', 'h10a'])
  })
})
