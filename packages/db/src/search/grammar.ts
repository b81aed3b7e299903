// The log search grammar, parsed into a typed query (never SQL). Malformed input is a typed
// SearchQueryError (BAD_REQUEST), never an exception the API would turn into a 500.
//
//   query   := term*                        all terms must match
//   term    := phrase | key ':' value | word
//   phrase  := '"' any-but-quote* '"'       tokens adjacent, in order
//   (a bare word without letters or digits is ignored; an empty phrase or value is an error)
//   value   := phrase | word
//   keys    := decky | service | event (type) | attacker (ip) -> exact column match
//              from | to  (ISO-8601 date/time)  | last (15m, 2h, 7d) -> time range
//              system (false | true | any) -> DECNET's own probe traffic: hidden unless asked for
//              (false, the default), only it (true), or both (any); see SystemFilter
//              anything else -> the event field of that name (its value contains the tokens)
//   e.g.  wget "cat /etc/passwd" service:ssh user:root from:2026-11-25T10:00Z
import { SearchQueryError } from '../errors.ts'
import { fieldKeyToken, fieldToken, tokenize } from './tokenize.ts'

export const MAX_QUERY_LENGTH = 1024
export const MAX_TERMS = 32

export type LogColumn = 'decky' | 'service' | 'eventType' | 'attackerIp'

/**
 * Which rows a search sees by their `system` flag (DECNET's own readiness probes). Attack traffic
 * only unless the query says `system:true` (probe rows only) or `system:any` (both): probes are never
 * shown, charted or counted by accident. `system` is therefore a reserved key, like `decky:`; a
 * captured field named "system" is still found by a plain word search.
 */
export type SystemFilter = 'exclude' | 'only' | 'include'

const SYSTEM_VALUES: Record<string, SystemFilter> = { false: 'exclude', true: 'only', any: 'include' }

export interface ParsedSearch {
  /** Token sequences; each must occur in a row's searchText as adjacent tokens. */
  phrases: string[][]
  /** Exact column matches. */
  columns: { column: LogColumn; value: string }[]
  system: SystemFilter
  from?: Date
  to?: Date
}

const COLUMN_KEYS: Record<string, LogColumn> = {
  decky: 'decky',
  service: 'service',
  event: 'eventType',
  type: 'eventType',
  attacker: 'attackerIp',
  ip: 'attackerIp',
}

const DURATION_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

interface RawTerm {
  key?: string
  value: string
  quoted: boolean
  position: number
}

function lex(input: string): RawTerm[] {
  const terms: RawTerm[] = []
  let i = 0
  const readPhrase = (start: number): { value: string; end: number } => {
    const close = input.indexOf('"', start + 1)
    if (close === -1) throw new SearchQueryError(`unterminated quote at position ${start}`, start)
    return { value: input.slice(start + 1, close), end: close + 1 }
  }
  while (i < input.length) {
    const char = input[i] as string
    if (/\s/.test(char)) {
      i++
      continue
    }
    const position = i
    if (char === '"') {
      const phrase = readPhrase(i)
      terms.push({ value: phrase.value, quoted: true, position })
      i = phrase.end
      continue
    }
    let end = i
    while (end < input.length && !/[\s"]/.test(input[end] as string)) end++
    const word = input.slice(i, end)
    const colon = word.indexOf(':')
    if (colon === -1) {
      terms.push({ value: word, quoted: false, position })
      i = end
      continue
    }
    if (colon === 0) throw new SearchQueryError(`missing key before ':' at position ${position}`, position)
    const key = word.slice(0, colon).toLowerCase()
    const rest = word.slice(colon + 1)
    if (rest === '' && input[end] === '"') {
      const phrase = readPhrase(end)
      terms.push({ key, value: phrase.value, quoted: true, position })
      i = phrase.end
      continue
    }
    if (rest === '')
      throw new SearchQueryError(`missing value after '${key}:' at position ${position}`, position)
    terms.push({ key, value: rest, quoted: false, position })
    i = end
  }
  return terms
}

function parseInstant(key: string, value: string, position: number, now: Date): Date {
  if (key === 'last') {
    const match = /^(\d{1,6})([smhd])$/.exec(value)
    if (!match)
      throw new SearchQueryError(`'last:' expects a duration like 15m, 2h or 7d, got "${value}"`, position)
    const unit = match[2] as keyof typeof DURATION_MS
    return new Date(now.getTime() - Number(match[1]) * DURATION_MS[unit])
  }
  const time = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(value)
    ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)
    : Number.NaN
  if (Number.isNaN(time))
    throw new SearchQueryError(`'${key}:' expects an ISO-8601 date or time, got "${value}"`, position)
  return new Date(time)
}

function searchableTokens(term: RawTerm): string[] {
  const tokens = tokenize(term.value)
  if (tokens.length === 0) {
    throw new SearchQueryError(`"${term.value}" has no letters or digits to search for`, term.position)
  }
  return tokens
}

/** Parses `q`. `now` anchors relative ranges (`last:15m`). */
export function parseSearch(q: string, now = new Date()): ParsedSearch {
  if (q.length > MAX_QUERY_LENGTH) {
    throw new SearchQueryError(`query is longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH)
  }
  const terms = lex(q)
  if (terms.length > MAX_TERMS) throw new SearchQueryError(`query has more than ${MAX_TERMS} terms`, 0)
  const parsed: ParsedSearch = { phrases: [], columns: [], system: 'exclude' }
  for (const term of terms) {
    if (term.key === undefined) {
      // An unquoted word that tokenizes into several tokens (10.0.0.5, /etc/passwd) is a phrase too.
      // One with no letters or digits at all (`--`, `;`) carries nothing to search for and is skipped.
      if (!term.quoted && tokenize(term.value).length === 0) continue
      parsed.phrases.push(searchableTokens(term))
      continue
    }
    const column = COLUMN_KEYS[term.key]
    if (column) {
      parsed.columns.push({ column, value: term.value })
    } else if (term.key === 'system') {
      const system = SYSTEM_VALUES[term.value.toLowerCase()]
      if (!system || term.quoted) {
        throw new SearchQueryError(`'system:' expects true, false or any, got "${term.value}"`, term.position)
      }
      parsed.system = system
    } else if (term.key === 'from' || term.key === 'last') {
      const from = parseInstant(term.key, term.value, term.position, now)
      parsed.from = parsed.from && parsed.from > from ? parsed.from : from
    } else if (term.key === 'to') {
      const to = parseInstant(term.key, term.value, term.position, now)
      parsed.to = parsed.to && parsed.to < to ? parsed.to : to
    } else {
      const key = fieldKeyToken(term.key)
      if (key === '')
        throw new SearchQueryError(`field name "${term.key}" has no letters or digits`, term.position)
      parsed.phrases.push(searchableTokens(term).map((token) => fieldToken(key, token)))
    }
  }
  return parsed
}
