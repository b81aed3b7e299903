// Turns a ParsedSearch into a parameterised WHERE clause for either database. User text only ever
// travels as bound parameters; the SQL text is built from fixed fragments.
import type { Dialect, SqlArg } from '../sql.ts'
import type { ParsedSearch } from './grammar.ts'
import { SYSTEM_TOKEN } from './tokenize.ts'

export interface CompiledSearch {
  /** FROM clause; the Log row is alias `l`. */
  from: string
  /** Conditions joined with AND; never empty (`1=1`). */
  where: string
  /** Newest first. On SQLite with a text match this is the FTS rowid, which FTS5 yields in order. */
  orderBy: string
  /**
   * SQLite only: set when the text match is the whole query, so counting can stay inside the FTS
   * index (`SELECT … FROM "LogSearch" WHERE "LogSearch" MATCH $1`) without touching Log rows.
   */
  ftsOnlyMatch?: string
  args: SqlArg[]
}

export interface SearchBounds {
  from?: Date
  to?: Date
  /** Rows with id below this (keyset pagination, newest first). */
  beforeId?: number
  /** Rows with id above this (the live tail). */
  afterId?: number
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
  let fromClause = '"Log" l'
  let orderBy = 'l."id" DESC'
  let match: string | undefined
  if (search.phrases.length > 0) {
    if (dialect === 'sqlite') {
      // FTS5 query: each phrase double-quoted. Tokens hold only letters, digits and our joiner,
      // so they cannot contain a quote or any FTS5 operator.
      match = search.phrases.map((phrase) => `"${phrase.join(' ')}"`).join(' AND ')
      // The system flag is decided inside the index too (SYSTEM_TOKEN), so a count stays FTS-only.
      if (search.system === 'exclude') match += ` NOT "${SYSTEM_TOKEN}"`
      else if (search.system === 'only') match += ` AND "${SYSTEM_TOKEN}"`
      // CROSS JOIN keeps the FTS table as the outer loop: it yields matches newest first, so
      // `LIMIT n` stops after n rows instead of sorting every match.
      fromClause = '"LogSearch" s CROSS JOIN "Log" l'
      orderBy = 's.rowid DESC'
      conditions.push(`s."LogSearch" MATCH ${arg(match)}`, 'l."id" = s.rowid')
    } else {
      // GIN-indexed token match, then adjacency checked on the token text for multi-token phrases.
      const lexemes = [...new Set(search.phrases.flat())].map((token) => `'${token}'`).join(' & ')
      conditions.push(`l."search" @@ CAST(${arg(lexemes)} AS tsquery)`)
      for (const phrase of search.phrases.filter((p) => p.length > 1)) {
        conditions.push(`position(${arg(` ${phrase.join(' ')} `)} in ' ' || l."searchText" || ' ') > 0`)
      }
    }
  }
  // Probe rows are few and have their own partial index; on SQLite a unary `+` keeps the planner from
  // walking a column's index over every attack row to find them.
  const probesOnly = dialect === 'sqlite' && search.system === 'only' && match === undefined
  for (const { column, value } of search.columns) {
    conditions.push(`${probesOnly ? '+' : ''}l."${column}" = ${arg(value)}`)
  }
  // A fixed fragment (no user text). FALSE/TRUE are keywords on both databases (SQLite stores 0/1).
  // SQLite's text match already decided it (above).
  if (match === undefined) {
    if (search.system === 'exclude') conditions.push('l."system" = FALSE')
    else if (search.system === 'only') conditions.push('l."system" = TRUE')
  }
  const from = latest(search.from, bounds.from)
  const to = earliest(search.to, bounds.to)
  if (from) conditions.push(`l."timestamp" >= ${arg(from)}`)
  if (to) conditions.push(`l."timestamp" < ${arg(to)}`)
  // With a text match, bound the FTS rowid itself: FTS5 then seeks instead of walking every match.
  const id = fromClause.startsWith('"LogSearch"') ? 's.rowid' : 'l."id"'
  if (bounds.beforeId !== undefined) conditions.push(`${id} < ${arg(bounds.beforeId)}`)
  if (bounds.afterId !== undefined) conditions.push(`${id} > ${arg(bounds.afterId)}`)
  const compiled: CompiledSearch = {
    from: fromClause,
    where: conditions.length > 0 ? conditions.join(' AND ') : '1=1',
    orderBy,
    args,
  }
  // Two conditions = the MATCH and the join: nothing else to check on the Log row.
  if (match !== undefined && conditions.length === 2) compiled.ftsOnlyMatch = match
  return compiled
}

function latest(a?: Date, b?: Date): Date | undefined {
  if (!a || !b) return a ?? b
  return a > b ? a : b
}

function earliest(a?: Date, b?: Date): Date | undefined {
  if (!a || !b) return a ?? b
  return a < b ? a : b
}
