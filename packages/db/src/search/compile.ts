// Turns a ParsedSearch into a parameterised WHERE clause for either database. User text only ever
// travels as bound parameters; the SQL text is built from fixed fragments.
import type { Dialect, SqlArg } from '../sql.ts'
import type { ParsedSearch, SearchNode } from './grammar.ts'
import { FIELD_JOINER, SYSTEM_TOKEN } from './tokenize.ts'

/** PostgreSQL: search columns whose value (when short) is also a token of the GIN-indexed vector. */
const TOKEN_COLUMNS = ['decky', 'service', 'eventType'] as const
type TokenColumn = (typeof TOKEN_COLUMNS)[number]
/** Longer values get no token (a tsvector lexeme is capped), so their search stays a plain condition. */
const COLUMN_TOKEN_MAX = 128

/** `·service·ssh`: starts with the joiner, which no captured text's token can (tokenize.ts). */
function columnToken(column: TokenColumn, value: string): string {
  return `${FIELD_JOINER}${column}${FIELD_JOINER}${value}`
}

/**
 * PostgreSQL's full-text vector as its GIN index (`Log_search_idx`, migration 0029) is built: the
 * row's tokens (the generated `search` column) plus one token per short search column value
 * (`·service·ssh`), so a word and a column are one index lookup, and counting `admin service:ssh`
 * reads only the rows that match both. Conditions must use this exact expression to reach the index.
 */
export const PG_SEARCH_VECTOR = `(l."search" || array_to_tsvector(array_remove(ARRAY[${TOKEN_COLUMNS.map(
  (column) =>
    `CASE WHEN length(l."${column}") <= ${COLUMN_TOKEN_MAX} THEN '${columnToken(column, '')}' || l."${column}" END`,
).join(', ')}], NULL)))`

function isTokenColumn(column: string): column is TokenColumn {
  return (TOKEN_COLUMNS as readonly string[]).includes(column)
}

/** A tsquery lexeme: quoted, with its quotes and backslashes escaped. */
function lexeme(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

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
  /**
   * Every id the time range can hold lies in [lowestId, highestId] (windowIdRange: the hour counts'
   * id ranges): SQLite's full-text index then seeks to the window instead of checking every match
   * of all time.
   */
  ids?: IdRange
  /**
   * The caller reads newest first with a LIMIT (a page): with `ids` known, SQLite walks ids (primary
   * key, a column index's rowid order, the FTS rowid) instead of the timestamp index, which yields
   * the window in time order, to be sorted whole. Counts leave the choice to the planner: the
   * timestamp index answers them without reading rows.
   */
  newestFirst?: boolean
  /**
   * PostgreSQL: the text match is known to be common (its count reached the cap). A page then walks
   * ids newest first and checks each row, which meets 50 matches within a few thousand rows, instead
   * of collecting every match from the GIN index (hundreds of thousands) to sort them. The planner
   * cannot tell: its estimate for our tokens is far too low.
   */
  commonMatch?: boolean
}

export interface IdRange {
  lowestId?: number
  highestId?: number
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
  // OR/NOT groups of words only go into SQLite's index match; the rest become SQL conditions below.
  const textGroups = dialect === 'sqlite' ? search.groups.filter(isTextOnly) : []
  const sqlGroups = search.groups.filter((group) => !textGroups.includes(group))
  let fromClause = '"Log" l'
  let orderBy = 'l."id" DESC'
  let match: string | undefined
  let textDecidesSystem = false
  /** PostgreSQL: column filters the full-text match already holds (as tokens). */
  const tokenColumns = new Set<ParsedSearch['columns'][number]>()
  if (search.phrases.length > 0 || textGroups.length > 0) {
    if (dialect === 'sqlite') {
      // FTS5 query: each phrase double-quoted. Tokens hold only letters, digits and our joiner,
      // so they cannot contain a quote or any FTS5 operator.
      match = [...search.phrases.map(ftsPhrase), ...textGroups.map(ftsExpression)].join(' AND ')
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
      // A common match is checked on the token text alone (`searchText` holds the same tokens the
      // index does, space-separated): nothing for the GIN index to answer, so the planner walks the
      // primary key, and a text search costs far less per row than detoasting the tsvector.
      if (!bounds.commonMatch) {
        const lexemes = [...new Set(search.phrases.flat())].map(lexeme)
        // The column values the vector holds as tokens are matched in the index too, so only rows
        // matching both are read.
        for (const column of search.columns) {
          if (!isTokenColumn(column.column) || column.value.length > COLUMN_TOKEN_MAX) continue
          lexemes.push(lexeme(columnToken(column.column, column.value)))
          tokenColumns.add(column)
        }
        // As on SQLite, the index decides the system flag (SYSTEM_TOKEN): no probe row is fetched.
        if (search.system === 'exclude') lexemes.push(`!${lexeme(SYSTEM_TOKEN)}`)
        else if (search.system === 'only') lexemes.push(lexeme(SYSTEM_TOKEN))
        conditions.push(`${PG_SEARCH_VECTOR} @@ CAST(${arg(lexemes.join(' & '))} AS tsquery)`)
        textDecidesSystem = true
      }
      for (const phrase of search.phrases.filter((p) => bounds.commonMatch || p.length > 1)) {
        conditions.push(`position(${arg(` ${phrase.join(' ')} `)} in ' ' || l."searchText" || ' ') > 0`)
      }
    }
  }
  const { from, to } = searchRange(search, bounds)
  // Each column's index ends with the system flag: `column = v AND system = …` is one range of it.
  // Except for counting a time window on SQLite: a service is a large share of all rows, and the
  // window index (timestamp, system, service, …) counts its rows there without reading one.
  const countsWindow = dialect === 'sqlite' && match === undefined && !bounds.newestFirst && (from || to)
  for (const filter of search.columns) {
    if (tokenColumns.has(filter)) continue
    const { column, value } = filter
    const viaWindow = countsWindow && column === 'service'
    conditions.push(`${viaWindow ? '+' : ''}l."${column}" = ${arg(value)}`)
  }
  const condition = (node: SearchNode): string => {
    switch (node.kind) {
      case 'column':
        return `l."${node.column}" = ${arg(node.value)}`
      case 'phrase':
        return dialect === 'sqlite'
          ? `l."id" IN (SELECT rowid FROM "LogSearch" WHERE "LogSearch" MATCH ${arg(ftsPhrase(node.tokens))})`
          : pgPhrase(node.tokens, arg)
      case 'and':
        return `(${node.nodes.map(condition).join(' AND ')})`
      case 'or':
        return `(${node.nodes.map(condition).join(' OR ')})`
      case 'not':
        return `NOT ${condition(node.node)}`
    }
  }
  for (const group of sqlGroups) conditions.push(condition(group))
  // A fixed fragment (no user text). FALSE/TRUE are keywords on both databases (SQLite stores 0/1).
  // A full-text match may have decided it already (above).
  if (match === undefined && !textDecidesSystem) {
    if (search.system === 'exclude') conditions.push('l."system" = FALSE')
    else if (search.system === 'only') conditions.push('l."system" = TRUE')
  }
  const walkIds = dialect === 'sqlite' && bounds.ids !== undefined && bounds.newestFirst === true
  const timestamp = walkIds ? '+l."timestamp"' : 'l."timestamp"'
  if (from) conditions.push(`${timestamp} >= ${arg(from)}`)
  if (to) conditions.push(`${timestamp} < ${arg(to)}`)
  // With a text match, bound the FTS rowid itself: FTS5 then seeks instead of walking every match.
  const id = fromClause.startsWith('"LogSearch"') ? 's.rowid' : 'l."id"'
  if (bounds.beforeId !== undefined) conditions.push(`${id} < ${arg(bounds.beforeId)}`)
  if (bounds.afterId !== undefined) conditions.push(`${id} > ${arg(bounds.afterId)}`)
  if (bounds.ids?.lowestId !== undefined) conditions.push(`${id} >= ${arg(bounds.ids.lowestId)}`)
  if (bounds.ids?.highestId !== undefined) conditions.push(`${id} <= ${arg(bounds.ids.highestId)}`)
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

/** A phrase as an FTS5 string: tokens hold only letters, digits and our joiner, never a quote. */
function ftsPhrase(tokens: string[]): string {
  return `"${tokens.join(' ')}"`
}

/** Words combined by AND/OR only: FTS5 evaluates these inside its index (its NOT is binary, so no NOT). */
function isTextOnly(node: SearchNode): boolean {
  if (node.kind === 'phrase') return true
  if (node.kind === 'and' || node.kind === 'or') return node.nodes.every(isTextOnly)
  return false
}

function ftsExpression(node: SearchNode): string {
  if (node.kind === 'phrase') return ftsPhrase(node.tokens)
  if (node.kind === 'and') return `(${node.nodes.map(ftsExpression).join(' AND ')})`
  if (node.kind === 'or') return `(${node.nodes.map(ftsExpression).join(' OR ')})`
  throw new Error(`not a text-only search node: ${node.kind}`)
}

/** PostgreSQL: the GIN-indexed token match, then adjacency on the token text for a multi-token phrase. */
function pgPhrase(tokens: string[], arg: (value: SqlArg) => string): string {
  const lexemes = [...new Set(tokens)].map(lexeme).join(' & ')
  const match = `${PG_SEARCH_VECTOR} @@ CAST(${arg(lexemes)} AS tsquery)`
  if (tokens.length === 1) return match
  return `(${match} AND position(${arg(` ${tokens.join(' ')} `)} in ' ' || l."searchText" || ' ') > 0)`
}

/** The time range a search covers: the narrower of its own `from:`/`to:`/`last:` and the caller's. */
export function searchRange(
  search: ParsedSearch,
  bounds: Pick<SearchBounds, 'from' | 'to'>,
): { from?: Date; to?: Date } {
  const range: { from?: Date; to?: Date } = {}
  const from = latest(search.from, bounds.from)
  const to = earliest(search.to, bounds.to)
  if (from) range.from = from
  if (to) range.to = to
  return range
}

function latest(a?: Date, b?: Date): Date | undefined {
  if (!a || !b) return a ?? b
  return a > b ? a : b
}

function earliest(a?: Date, b?: Date): Date | undefined {
  if (!a || !b) return a ?? b
  return a < b ? a : b
}
