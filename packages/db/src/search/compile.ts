// Turns a ParsedSearch into a parameterised WHERE clause for either database. User text only ever
// travels as bound parameters; the SQL text is built from fixed fragments.
import type { Dialect, SqlArg } from '../sql.ts'
import type { ParsedSearch } from './grammar.ts'

export interface CompiledSearch {
  /** Extra FROM item (SQLite joins the FTS table), or ''. */
  join: string
  /** Conditions over alias `l` (the Log row), joined with AND; never empty (`1=1`). */
  where: string
  args: SqlArg[]
}

export interface SearchBounds {
  from?: Date
  to?: Date
  /** Rows with id below this (keyset pagination, newest first). */
  beforeId?: number
}

export function compileSearch(
  dialect: Dialect,
  search: ParsedSearch,
  bounds: SearchBounds = {},
): CompiledSearch {
  const conditions: string[] = []
  const args: SqlArg[] = []
  const arg = (value: SqlArg): string => {
    args.push(value)
    return `$${args.length}`
  }
  let join = ''
  if (search.phrases.length > 0) {
    if (dialect === 'sqlite') {
      // FTS5 query: each phrase double-quoted. Tokens hold only letters, digits and our joiner,
      // so they cannot contain a quote or any FTS5 operator.
      const match = search.phrases.map((phrase) => `"${phrase.join(' ')}"`).join(' AND ')
      join = ', "LogSearch" s'
      conditions.push(`s."LogSearch" MATCH ${arg(match)}`, 's.rowid = l."id"')
    } else {
      // GIN-indexed token match, then adjacency checked on the token text for multi-token phrases.
      const lexemes = [...new Set(search.phrases.flat())].map((token) => `'${token}'`).join(' & ')
      conditions.push(`l."search" @@ CAST(${arg(lexemes)} AS tsquery)`)
      for (const phrase of search.phrases.filter((p) => p.length > 1)) {
        conditions.push(`position(${arg(` ${phrase.join(' ')} `)} in ' ' || l."searchText" || ' ') > 0`)
      }
    }
  }
  for (const { column, value } of search.columns) conditions.push(`l."${column}" = ${arg(value)}`)
  const from = latest(search.from, bounds.from)
  const to = earliest(search.to, bounds.to)
  if (from) conditions.push(`l."timestamp" >= ${arg(from)}`)
  if (to) conditions.push(`l."timestamp" < ${arg(to)}`)
  if (bounds.beforeId !== undefined) conditions.push(`l."id" < ${arg(bounds.beforeId)}`)
  return { join, where: conditions.length > 0 ? conditions.join(' AND ') : '1=1', args }
}

function latest(a?: Date, b?: Date): Date | undefined {
  if (!a || !b) return a ?? b
  return a > b ? a : b
}

function earliest(a?: Date, b?: Date): Date | undefined {
  if (!a || !b) return a ?? b
  return a < b ? a : b
}
