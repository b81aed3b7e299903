// The log search grammar, parsed into a typed query (never SQL). Malformed input is a typed
// SearchQueryError (BAD_REQUEST) naming the column where it went wrong, never an exception the API
// would turn into a 500 and never a query that silently matches nothing.
//
//   query   := or
//   or      := and ('OR' and)*                either side matches
//   and     := unary (['AND'] unary)*         all terms match (AND is optional)
//   unary   := 'NOT' unary | '(' or ')' | term
//   term    := phrase | key ':' value | word
//   phrase  := '"' any-but-quote* '"'         tokens adjacent, in order
//   (AND, OR and NOT are keywords in any letter case; quote them to search the word. Unquoted
//   parentheses always group; quote text holding them. A bare word without letters or digits is
//   ignored; an empty phrase or value is an error.)
//   value   := phrase | word
//   keys    := decky | service | event (type) | attacker (ip) -> exact column match
//              from | to  (ISO-8601 date/time)  | last (15m, 2h, 7d) -> time range
//              system (false | true | any) -> DECNET's own probe traffic: hidden unless asked for
//              (false, the default), only it (true), or both (any); see SystemFilter
//              (these four apply to the whole query, so they may not sit inside OR, NOT or parentheses)
//              user | pass -> the username | password field (or a field named user | pass)
//              anything else -> the event field of that name (its value contains the tokens)
//   e.g.  wget "cat /etc/passwd" service:ssh (user:root OR user:admin) NOT decky:web-01 last:2h
import { SearchQueryError } from '../errors.ts'
import { fieldKeyToken, fieldToken, tokenize } from './tokenize.ts'

export const MAX_QUERY_LENGTH = 1024
export const MAX_TERMS = 32
/** Parenthesis/NOT nesting: deep enough for any real query, shallow enough to bound the SQL. */
export const MAX_DEPTH = 8

export type LogColumn = 'decky' | 'service' | 'eventType' | 'attackerIp'

/**
 * Which rows a search sees by their `system` flag (DECNET's own readiness probes). Attack traffic
 * only unless the query says `system:true` (probe rows only) or `system:any` (both): probes are never
 * shown, charted or counted by accident. `system` is therefore a reserved key, like `decky:`; a
 * captured field named "system" is still found by a plain word search.
 */
export type SystemFilter = 'exclude' | 'only' | 'include'

const SYSTEM_VALUES: Record<string, SystemFilter> = { false: 'exclude', true: 'only', any: 'include' }

/** A boolean condition on one row: what OR, NOT and parentheses build. */
export type SearchNode =
  | { kind: 'phrase'; tokens: string[] }
  | { kind: 'column'; column: LogColumn; value: string }
  | { kind: 'and'; nodes: SearchNode[] }
  | { kind: 'or'; nodes: SearchNode[] }
  | { kind: 'not'; node: SearchNode }

export interface ParsedSearch {
  /** Token sequences; each must occur in a row's searchText as adjacent tokens. */
  phrases: string[][]
  /** Exact column matches. */
  columns: { column: LogColumn; value: string }[]
  /** Further conditions that must all hold (OR, NOT, field aliases); empty for plain queries. */
  groups: SearchNode[]
  system: SystemFilter
  from?: Date
  to?: Date
}

/** Field keys most operators type, searched as the decoys' field name too (`user:root` → username). */
export const FIELD_ALIASES: Readonly<Record<string, string>> = { user: 'username', pass: 'password' }

export const COLUMN_KEYS: Readonly<Record<string, LogColumn>> = {
  decky: 'decky',
  service: 'service',
  event: 'eventType',
  type: 'eventType',
  attacker: 'attackerIp',
  ip: 'attackerIp',
}
/** Keys that narrow the whole query rather than test a row's content. */
export const SCOPE_KEYS = ['from', 'to', 'last', 'system'] as const

const DURATION_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** "at column N" for a 0-based offset: what an operator counts in the search box. */
function at(position: number): string {
  return `at column ${position + 1}`
}

function fail(message: string, position: number): never {
  throw new SearchQueryError(`${message} ${at(position)}`, position)
}

interface RawTerm {
  key?: string
  value: string
  quoted: boolean
  position: number
}

/** An operator or parenthesis as typed (`text` keeps the operator's letter case for messages). */
type Operator = { type: 'and' | 'or' | 'not' | 'open' | 'close'; position: number; text: string }
type Token = { type: 'term'; term: RawTerm; position: number } | Operator

const KEYWORDS: Record<string, 'and' | 'or' | 'not'> = { and: 'and', or: 'or', not: 'not' }
const WORD_END = /[\s"()]/

function lex(input: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const readPhrase = (start: number): { value: string; end: number } => {
    const close = input.indexOf('"', start + 1)
    if (close === -1) fail('unterminated quote', start)
    return { value: input.slice(start + 1, close), end: close + 1 }
  }
  while (i < input.length) {
    const char = input[i] as string
    if (/\s/.test(char)) {
      i++
      continue
    }
    const position = i
    if (char === '(' || char === ')') {
      tokens.push({ type: char === '(' ? 'open' : 'close', position, text: char })
      i++
      continue
    }
    if (char === '"') {
      const phrase = readPhrase(i)
      tokens.push({ type: 'term', term: { value: phrase.value, quoted: true, position }, position })
      i = phrase.end
      continue
    }
    let end = i
    while (end < input.length && !WORD_END.test(input[end] as string)) end++
    const word = input.slice(i, end)
    const keyword = KEYWORDS[word.toLowerCase()]
    if (keyword) {
      tokens.push({ type: keyword, position, text: word })
      i = end
      continue
    }
    const colon = word.indexOf(':')
    if (colon === -1) {
      tokens.push({ type: 'term', term: { value: word, quoted: false, position }, position })
      i = end
      continue
    }
    if (colon === 0) fail("missing key before ':'", position)
    const key = word.slice(0, colon).toLowerCase()
    const rest = word.slice(colon + 1)
    if (rest === '' && input[end] === '"') {
      const phrase = readPhrase(end)
      tokens.push({ type: 'term', term: { key, value: phrase.value, quoted: true, position }, position })
      i = phrase.end
      continue
    }
    if (rest === '' && input[end] === '(') {
      fail(`'${key}:' needs its value right after the colon (for several: (${key}:a OR ${key}:b))`, position)
    }
    if (rest === '') fail(`missing value after '${key}:'`, position)
    tokens.push({ type: 'term', term: { key, value: rest, quoted: false, position }, position })
    i = end
  }
  return tokens
}

function parseInstant(key: string, value: string, position: number, now: Date): Date {
  if (key === 'last') {
    const match = /^(\d{1,6})([smhd])$/.exec(value)
    if (!match) fail(`'last:' expects a duration like 15m, 2h or 7d, got "${value}"`, position)
    const unit = match[2] as keyof typeof DURATION_MS
    return new Date(now.getTime() - Number(match[1]) * DURATION_MS[unit])
  }
  const time = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(value)
    ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)
    : Number.NaN
  if (Number.isNaN(time)) fail(`'${key}:' expects an ISO-8601 date or time, got "${value}"`, position)
  return new Date(time)
}

function searchableTokens(term: RawTerm): string[] {
  const tokens = tokenize(term.value)
  if (tokens.length === 0) fail(`"${term.value}" has no letters or digits to search for`, term.position)
  return tokens
}

/** A parsed piece before scoping: a row condition, a whole-query scope, or nothing to search for. */
type Parsed =
  | { kind: 'node'; node: SearchNode; position: number }
  | { kind: 'scope'; term: RawTerm }
  | { kind: 'empty'; position: number }

function fieldNode(key: string, term: RawTerm): SearchNode {
  const keyToken = fieldKeyToken(key)
  if (keyToken === '') fail(`field name "${key}" has no letters or digits`, term.position)
  const tokens = searchableTokens(term)
  const phrase = (k: string): SearchNode => ({ kind: 'phrase', tokens: tokens.map((t) => fieldToken(k, t)) })
  const alias = FIELD_ALIASES[keyToken]
  return alias ? { kind: 'or', nodes: [phrase(keyToken), phrase(alias)] } : phrase(keyToken)
}

function termOf(term: RawTerm): Parsed {
  if (term.key === undefined) {
    // An unquoted word that tokenizes into several tokens (10.0.0.5, /etc/passwd) is a phrase too.
    // One with no letters or digits at all (`--`, `;`) carries nothing to search for and is skipped.
    if (!term.quoted && tokenize(term.value).length === 0) return { kind: 'empty', position: term.position }
    return { kind: 'node', node: { kind: 'phrase', tokens: searchableTokens(term) }, position: term.position }
  }
  const column = COLUMN_KEYS[term.key]
  if (column)
    return { kind: 'node', node: { kind: 'column', column, value: term.value }, position: term.position }
  if ((SCOPE_KEYS as readonly string[]).includes(term.key)) return { kind: 'scope', term }
  return { kind: 'node', node: fieldNode(term.key, term), position: term.position }
}

/** Recursive descent over the tokens; every malformed form fails with the column it starts at. */
class Parser {
  private index = 0
  terms = 0

  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.index]
  }

  /** The whole query: a list of top-level conjuncts (scopes allowed here only). */
  parseQuery(): Parsed[] {
    // At depth 0 parseAnd fails on a ')' itself, so parsing stops only at the end of the query.
    return this.parseOr(0)
  }

  /** Returns the conjuncts of a single AND chain, or one OR node. */
  private parseOr(depth: number): Parsed[] {
    const first = this.parseAnd(depth)
    const alternatives = [first]
    for (let token = this.peek(); token?.type === 'or'; token = this.peek()) {
      this.index++
      const next = this.peek()
      if (!next || next.type === 'close' || next.type === 'or' || next.type === 'and') {
        fail(`'${token.text}' has no term after it`, token.position)
      }
      alternatives.push(this.parseAnd(depth))
    }
    if (alternatives.length === 1) return first
    const orPosition = alternatives[0]?.[0] ? positionOf(alternatives[0][0]) : 0
    const nodes = alternatives.map((conjuncts) => conjunction(conjuncts, 'OR'))
    return [{ kind: 'node', node: { kind: 'or', nodes }, position: orPosition }]
  }

  private parseAnd(depth: number): Parsed[] {
    const items: Parsed[] = []
    let pendingAnd: Operator | undefined
    for (let token = this.peek(); token; token = this.peek()) {
      if (token.type === 'close' && depth === 0) fail("unmatched ')'", token.position)
      if (token.type === 'close' || token.type === 'or') {
        if (items.length === 0) fail(`'${token.text}' has no term before it`, token.position)
        break
      }
      if (token.type === 'and') {
        if (items.length === 0 || pendingAnd) fail(`'${token.text}' has no term before it`, token.position)
        pendingAnd = token
        this.index++
        continue
      }
      items.push(this.parseUnary(depth))
      pendingAnd = undefined
    }
    if (pendingAnd) fail(`'${pendingAnd.text}' has no term after it`, pendingAnd.position)
    if (items.length === 0) fail('expected a search term', this.length)
    return items
  }

  private parseUnary(depth: number): Parsed {
    const token = this.peek() as Token
    if (depth >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`, token.position)
    if (token.type === 'not') {
      this.index++
      const next = this.peek()
      if (!next || next.type === 'close' || next.type === 'or' || next.type === 'and')
        fail(`'${token.text}' has no term after it`, token.position)
      const operand = this.parseUnary(depth + 1)
      if (operand.kind === 'scope') scopeInside(operand.term, 'NOT')
      if (operand.kind === 'empty') fail(`'${token.text}' has nothing to search for after it`, token.position)
      return { kind: 'node', node: { kind: 'not', node: operand.node }, position: token.position }
    }
    if (token.type === 'open') {
      this.index++
      const next = this.peek()
      if (next?.type === 'close') fail('empty parentheses', token.position)
      if (!next) fail('unclosed parenthesis', token.position)
      const inner = this.parseOr(depth + 1)
      if (this.peek()?.type !== 'close') fail('unclosed parenthesis', token.position)
      this.index++
      for (const item of inner) if (item.kind === 'scope') scopeInside(item.term, 'parentheses')
      const nodes = inner.flatMap((item) => (item.kind === 'node' ? [item.node] : []))
      if (nodes.length === 0) fail('nothing to search for inside the parentheses', token.position)
      const node = nodes.length === 1 ? (nodes[0] as SearchNode) : { kind: 'and' as const, nodes }
      return { kind: 'node', node, position: token.position }
    }
    if (token.type !== 'term') fail(`unexpected '${token.text}'`, token.position)
    this.index++
    this.terms++
    if (this.terms > MAX_TERMS)
      fail(`query has more than ${MAX_TERMS} terms; the next one starts`, token.position)
    return termOf(token.term)
  }
}

function positionOf(item: Parsed): number {
  return item.kind === 'scope' ? item.term.position : item.position
}

function scopeInside(term: RawTerm, where: string): never {
  fail(`'${term.key}:' applies to the whole query and cannot be inside ${where}; move it out`, term.position)
}

/** One side of an OR: its conjuncts as a single node. */
function conjunction(items: Parsed[], where: string): SearchNode {
  for (const item of items) if (item.kind === 'scope') scopeInside(item.term, where)
  const nodes = items.flatMap((item) => (item.kind === 'node' ? [item.node] : []))
  if (nodes.length === 0) {
    fail(`one side of ${where} has nothing to search for`, positionOf(items[0] as Parsed))
  }
  return nodes.length === 1 ? (nodes[0] as SearchNode) : { kind: 'and', nodes }
}

/** Parses `q`. `now` anchors relative ranges (`last:15m`). */
export function parseSearch(q: string, now = new Date()): ParsedSearch {
  if (q.length > MAX_QUERY_LENGTH) {
    throw new SearchQueryError(`query is longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH)
  }
  const parsed: ParsedSearch = { phrases: [], columns: [], groups: [], system: 'exclude' }
  const tokens = lex(q)
  if (tokens.length === 0) return parsed
  const conjuncts = new Parser(tokens, q.length).parseQuery()
  const add = (node: SearchNode) => {
    if (node.kind === 'phrase') parsed.phrases.push(node.tokens)
    else if (node.kind === 'column') parsed.columns.push({ column: node.column, value: node.value })
    else if (node.kind === 'and')
      node.nodes.forEach(add) // (a b) c is a b c
    else parsed.groups.push(node)
  }
  for (const item of conjuncts) {
    if (item.kind === 'node') add(item.node)
    if (item.kind !== 'scope') continue
    const { key, value, quoted, position } = item.term
    if (key === 'system') {
      const system = SYSTEM_VALUES[value.toLowerCase()]
      if (!system || quoted) fail(`'system:' expects true, false or any, got "${value}"`, position)
      parsed.system = system
    } else if (key === 'from' || key === 'last') {
      const from = parseInstant(key, value, position, now)
      parsed.from = parsed.from && parsed.from > from ? parsed.from : from
    } else if (key === 'to') {
      const to = parseInstant(key, value, position, now)
      parsed.to = parsed.to && parsed.to < to ? parsed.to : to
    }
  }
  return parsed
}
