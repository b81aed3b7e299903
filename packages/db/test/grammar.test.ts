import { describe, expect, it } from 'vitest'
import { SearchQueryError } from '../src/errors.ts'
import { compileSearch, PG_SEARCH_VECTOR } from '../src/search/compile.ts'
import { parseSearch } from '../src/search/grammar.ts'
import { buildSearchText, tokenize } from '../src/search/tokenize.ts'
import { event } from './fixtures.ts'

describe('search grammar', () => {
  it('parses words, phrases, column keys, field keys and time ranges', () => {
    const now = new Date('2026-11-25T12:00:00Z')
    expect(
      parseSearch('wget "Cat /etc/passwd" service:ssh note:"Root Admin" last:2h to:2026-11-25', now),
    ).toEqual({
      phrases: [['wget'], ['cat', 'etc', 'passwd'], ['note·root', 'note·admin']],
      columns: [{ column: 'service', value: 'ssh' }],
      groups: [],
      system: 'exclude',
      from: new Date('2026-11-25T10:00:00Z'),
      to: new Date('2026-11-25T00:00:00Z'),
    })
    expect(parseSearch('')).toEqual({ phrases: [], columns: [], groups: [], system: 'exclude' })
    expect(parseSearch('  -- ; ')).toEqual({ phrases: [], columns: [], groups: [], system: 'exclude' })
  })

  it("hides DECNET's own probe rows unless system:true (only them) or system:any (both) asks", () => {
    expect(parseSearch('ssh').system).toBe('exclude')
    expect(parseSearch('system:false ssh').system).toBe('exclude')
    expect(parseSearch('system:true').system).toBe('only')
    expect(parseSearch('SYSTEM:Any decky:x')).toMatchObject({
      system: 'include',
      columns: [{ column: 'decky' }],
    })
    // A reserved key: any other value is an error, never a field search that would show nothing.
    expect(() => parseSearch('ok system:yes')).toThrow(SearchQueryError)
    expect(() => parseSearch('system:"true"')).toThrow(/expects true, false or any/)
    expect(compileSearch('sqlite', parseSearch('')).where).toBe('l."system" = FALSE')
    expect(compileSearch('postgres', parseSearch('system:true')).where).toBe('l."system" = TRUE')
    expect(compileSearch('sqlite', parseSearch('system:any')).where).toBe('1=1')
    // With a text match, SQLite decides it inside the index (the count then stays FTS-only).
    expect(compileSearch('sqlite', parseSearch('wget')).ftsOnlyMatch).toBe('"wget" NOT "\u00b7system"')
    expect(compileSearch('sqlite', parseSearch('wget system:true')).args).toEqual([
      '"wget" AND "\u00b7system"',
    ])
    // PostgreSQL too, in its GIN index; a common match is paged from the token text instead.
    expect(compileSearch('postgres', parseSearch('wget')).args).toEqual(["'wget' & !'\u00b7system'"])
    expect(compileSearch('postgres', parseSearch('wget system:true')).args).toEqual([
      "'wget' & '\u00b7system'",
    ])
    expect(compileSearch('postgres', parseSearch('wget system:any')).args).toEqual(["'wget'"])
    expect(compileSearch('postgres', parseSearch('wget')).where).not.toContain('l."system"')
    const common = compileSearch('postgres', parseSearch('wget'), { commonMatch: true })
    expect(common.where).not.toContain('"search" @@')
    expect(common.where).toContain('l."system" = FALSE')
    expect(common.args).toEqual([' wget '])
    // Short decky, service and event type values are tokens of PostgreSQL's index vector; a long
    // one, a column without a word, and a common match stay plain column conditions.
    const withColumns = compileSearch(
      'postgres',
      parseSearch(`admin service:ssh decky:"o'b\\c" type:${'t'.repeat(129)}`),
    )
    expect(withColumns.args).toEqual([
      `'admin' & '\u00b7service\u00b7ssh' & '\u00b7decky\u00b7o''b\\\\c' & !'\u00b7system'`,
      't'.repeat(129),
    ])
    expect(withColumns.where).not.toContain('l."service" =')
    expect(withColumns.where).toContain('l."eventType" =')
    expect(compileSearch('postgres', parseSearch('service:ssh')).where).toContain('l."service" =')
    expect(
      compileSearch('postgres', parseSearch('admin service:ssh'), { commonMatch: true }).where,
    ).toContain('l."service" =')
  })

  it('parses OR, NOT and parentheses into groups; a plain AND chain stays on the fast path', () => {
    expect(parseSearch('service:ssh AND (root OR admin)')).toEqual({
      phrases: [],
      columns: [{ column: 'service', value: 'ssh' }],
      groups: [
        {
          kind: 'or',
          nodes: [
            { kind: 'phrase', tokens: ['root'] },
            { kind: 'phrase', tokens: ['admin'] },
          ],
        },
      ],
      system: 'exclude',
    })
    // Explicit AND, lower-case keywords and redundant parentheses flatten into the plain conjunction.
    expect(parseSearch('wget and (decky:a curl)')).toMatchObject({
      phrases: [['wget'], ['curl']],
      columns: [{ column: 'decky', value: 'a' }],
      groups: [],
    })
    // OR binds looser than AND; NOT applies to the next term.
    expect(parseSearch('a b OR NOT c').groups).toEqual([
      {
        kind: 'or',
        nodes: [
          {
            kind: 'and',
            nodes: [
              { kind: 'phrase', tokens: ['a'] },
              { kind: 'phrase', tokens: ['b'] },
            ],
          },
          { kind: 'not', node: { kind: 'phrase', tokens: ['c'] } },
        ],
      },
    ])
    // Quoted, the keywords are words.
    expect(parseSearch('"or" "NOT"').phrases).toEqual([['or'], ['not']])
  })

  it('reads user: and pass: as the username and password fields too', () => {
    expect(parseSearch('user:root').groups).toEqual([
      {
        kind: 'or',
        nodes: [
          { kind: 'phrase', tokens: ['user·root'] },
          { kind: 'phrase', tokens: ['username·root'] },
        ],
      },
    ])
    expect(parseSearch('pass:"hunter 2"').groups[0]).toMatchObject({
      nodes: [{ tokens: ['pass·hunter', 'pass·2'] }, { tokens: ['password·hunter', 'password·2'] }],
    })
    // On SQLite a group of words is evaluated inside the full-text index (count stays index-only).
    expect(compileSearch('sqlite', parseSearch('user:root')).ftsOnlyMatch).toBe(
      '("user·root" OR "username·root") NOT "\u00b7system"',
    )
  })

  it('compiles groups with columns or NOT into parameterised SQL conditions', () => {
    const sqlite = compileSearch('sqlite', parseSearch('wget (service:ssh OR decky:x) NOT root'))
    expect(sqlite.where).toContain('(l."service" = $')
    expect(sqlite.where).toContain(' OR l."decky" = $')
    expect(sqlite.where).toMatch(
      /NOT l\."id" IN \(SELECT rowid FROM "LogSearch" WHERE "LogSearch" MATCH \$\d\)/,
    )
    expect(sqlite.args).toEqual(expect.arrayContaining(['ssh', 'x', '"root"']))
    expect(sqlite.ftsOnlyMatch).toBeUndefined()
    const pg = compileSearch('postgres', parseSearch('(a OR "b c") NOT d'))
    expect(pg.where).toContain(`${PG_SEARCH_VECTOR} @@ CAST($`)
    expect(pg.where).toContain(` OR (${PG_SEARCH_VECTOR} @@ CAST($`)
    expect(pg.where).toContain(`NOT ${PG_SEARCH_VECTOR} @@`)
    expect(pg.args).toEqual(expect.arrayContaining(["'a'", "'b' & 'c'", ' b c ', "'d'"]))
  })

  it.each([
    ['service:ssh AND (root OR admin', 'unclosed parenthesis at column 17', 16],
    ['(a (b)', 'unclosed parenthesis at column 1', 0],
    ['root) OR (admin', "unmatched ')' at column 5", 4],
    ['a ()', 'empty parentheses at column 3', 2],
    ['( -- )', 'nothing to search for inside the parentheses at column 1', 0],
    ['OR root', "'OR' has no term before it at column 1", 0],
    ['root OR', "'OR' has no term after it at column 6", 5],
    ['root OR OR admin', "'OR' has no term after it at column 6", 5],
    ['(OR a)', "'OR' has no term before it at column 2", 1],
    ['(a OR)', "'OR' has no term after it at column 4", 3],
    ['AND root', "'AND' has no term before it at column 1", 0],
    ['root and', "'and' has no term after it at column 6", 5],
    ['a AND AND b', "'AND' has no term before it at column 7", 6],
    ['a AND OR b', "'AND' has no term after it at column 3", 2],
    ['root NOT', "'NOT' has no term after it at column 6", 5],
    ['NOT -- x', "'NOT' has nothing to search for after it at column 1", 0],
    ['a OR --', 'one side of OR has nothing to search for at column 6', 5],
    [
      '(a OR last:2h)',
      "'last:' applies to the whole query and cannot be inside OR; move it out at column 7",
      6,
    ],
    ['NOT system:true', "'system:' applies to the whole query and cannot be inside NOT", 4],
    ['(from:2026-01-01 x)', "'from:' applies to the whole query and cannot be inside parentheses", 1],
    ['ok "broken', 'unterminated quote at column 4', 3],
    ['a :value', "missing key before ':' at column 3", 2],
    ['a service:', "missing value after 'service:' at column 3", 2],
    ['service:(ssh OR http)', "'service:' needs its value right after the colon", 0],
    ['x last:5weeks', "'last:' expects a duration like 15m, 2h or 7d", 2],
    ['x to:tomorrow', "'to:' expects an ISO-8601 date or time", 2],
    ['x system:yes', "'system:' expects true, false or any", 2],
    ['x ""', '"" has no letters or digits to search for at column 3', 2],
    ['x user:---', 'no letters or digits', 2],
    ['x _:root', 'field name "_" has no letters or digits at column 3', 2],
    [`${'('.repeat(9)}a${')'.repeat(9)}`, 'nesting deeper than 8 levels at column 9', 8],
    [`${'NOT '.repeat(9)}a`, 'nesting deeper than 8 levels at column 33', 32],
    [
      Array.from({ length: 33 }, (_, i) => `w${i}`).join(' '),
      'more than 32 terms; the next one starts at column 119',
      118,
    ],
  ])('rejects %j: "%s" (offset %d)', (q, message, position) => {
    try {
      parseSearch(q)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(SearchQueryError)
      expect((error as SearchQueryError).message).toContain(message)
      expect((error as SearchQueryError).position).toBe(position)
    }
  })

  it('reports the position of a malformed term', () => {
    try {
      parseSearch('ok "broken')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(SearchQueryError)
      expect((error as SearchQueryError).position).toBe(3)
    }
  })

  it('never puts query text into the SQL, only into parameters', () => {
    const hostile = `x'); DROP TABLE Log; --`
    for (const dialect of ['sqlite', 'postgres'] as const) {
      // Unquoted, the parenthesis is grammar (an error); quoted, all of it is data.
      expect(() => parseSearch(`${hostile} decky:x');`)).toThrow(/unmatched '\)' at column 3/)
      const compiled = compileSearch(
        dialect,
        parseSearch(`decky:"x');" "${hostile}" (user:"${hostile}" OR NOT attacker:"${hostile}")`),
      )
      expect(compiled.where).not.toMatch(/drop|x'\)/i)
      expect(compiled.args.join(' ')).toContain('drop')
      // PostgreSQL matches the decky in its index: the value is a (quoted) lexeme of the tsquery.
      if (dialect === 'sqlite') expect(compiled.args).toContain("x');")
      else expect(compiled.args[0]).toContain("'\u00b7decky\u00b7x'');'")
    }
  })

  it('tokenizes letters and digits of any script, lower-cased, and keeps field tokens scoped', () => {
    expect(tokenize('GET /Admin/login.php?id=1 — Ünïcode 東京')).toEqual([
      'get',
      'admin',
      'login',
      'php',
      'id',
      '1',
      'ünïcode',
      '東京',
    ])
    const text = buildSearchText(event({ rawLine: 'x', fields: { src_port: 22, nested: { a: 'B c' } } }))
    expect(text.split(' ')).toEqual(expect.arrayContaining(['22', 'srcport·22', 'b', 'nested·b', 'nested·c']))
    expect(text).not.toMatch(/ {2}|^ | $/)
  })
})
