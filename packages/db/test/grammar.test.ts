import { describe, expect, it } from 'vitest'
import { SearchQueryError } from '../src/errors.ts'
import { compileSearch } from '../src/search/compile.ts'
import { parseSearch } from '../src/search/grammar.ts'
import { buildSearchText, tokenize } from '../src/search/tokenize.ts'
import { event } from './fixtures.ts'

describe('search grammar', () => {
  it('parses words, phrases, column keys, field keys and time ranges', () => {
    const now = new Date('2026-11-25T12:00:00Z')
    expect(
      parseSearch('wget "Cat /etc/passwd" service:ssh user:"Root Admin" last:2h to:2026-11-25', now),
    ).toEqual({
      phrases: [['wget'], ['cat', 'etc', 'passwd'], ['user·root', 'user·admin']],
      columns: [{ column: 'service', value: 'ssh' }],
      system: 'exclude',
      from: new Date('2026-11-25T10:00:00Z'),
      to: new Date('2026-11-25T00:00:00Z'),
    })
    expect(parseSearch('')).toEqual({ phrases: [], columns: [], system: 'exclude' })
    expect(parseSearch('  -- ; ')).toEqual({ phrases: [], columns: [], system: 'exclude' })
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
    expect(compileSearch('postgres', parseSearch('wget')).where).toContain('l."system" = FALSE')
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
      const compiled = compileSearch(dialect, parseSearch(`${hostile} decky:x'); "${hostile}"`))
      expect(compiled.where).not.toMatch(/drop|x'\)/i)
      expect(compiled.args.join(' ')).toContain('drop')
      expect(compiled.args).toContain("x');")
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
