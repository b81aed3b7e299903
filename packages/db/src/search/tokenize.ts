// The one tokenizer both databases index with. SQLite FTS5 and PostgreSQL parse text differently
// (URLs, paths, IPs, non-ASCII letters), so we tokenize in TypeScript and store the result in
// Log."searchText"; each database then indexes those tokens verbatim and returns the same rows.
import type { LogEventInput } from '../types.ts'

/** A token is a run of Unicode letters/digits, lower-cased. */
const TOKEN = /[\p{L}\p{N}]+/gu
// Same tokens for printable-ASCII text, several times faster: most captured lines are. Anything else
// (non-ASCII, control characters) takes the Unicode path.
const ASCII_TOKEN = /[a-z0-9]+/g
const NON_ASCII = /[^ -~\t\n\r]/
export const MAX_TOKEN_LENGTH = 64
/** Tokens indexed per text part: caps the index size of huge captured lines (the row keeps the text). */
export const MAX_TOKENS_PER_PART = 2000
/**
 * Joins a field key to its value tokens ("user·root"), so `user:root` matches only that field.
 * A middle dot is punctuation, which tokenize() never emits, so no captured text can forge one.
 */
export const FIELD_JOINER = '\u00b7'
/** Stands between the parts of searchText so a phrase cannot match across two parts. */
export const PART_SEPARATOR = '\u00a6'
/**
 * Marks a system row (DECNET's own probe) in its searchText, so SQLite's full-text search can leave
 * such rows out inside the index (`… NOT "·system"`) and count matches without reading Log rows. A
 * field token always has a key before the joiner, so no captured text can produce this one.
 */
export const SYSTEM_TOKEN = `${FIELD_JOINER}system`

export function tokenize(text: string, limit = MAX_TOKENS_PER_PART): string[] {
  const lower = text.toLowerCase()
  // String.match with a global pattern returns plain strings: much cheaper than matchAll's objects.
  const tokens = lower.match(NON_ASCII.test(lower) ? TOKEN : ASCII_TOKEN) ?? []
  if (tokens.length > limit) tokens.length = limit
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string
    if (token.length > MAX_TOKEN_LENGTH) tokens[i] = token.slice(0, MAX_TOKEN_LENGTH)
  }
  return tokens
}

/** A field key as one token: `src_port` and `srcPort` both become `srcport`. */
export function fieldKeyToken(key: string): string {
  return tokenize(key).join('').slice(0, MAX_TOKEN_LENGTH)
}

export function fieldToken(keyToken: string, valueToken: string): string {
  return `${keyToken}${FIELD_JOINER}${valueToken}`
}

/** Scalar leaves of a field value as text (nested objects/arrays contribute all their leaves). */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return Object.values(value).map(valueText).join(' ')
  return String(value)
}

/** The normalised token text indexed for one log event. */
export function buildSearchText(event: LogEventInput): string {
  const parts: string[][] = [
    tokenize(event.rawLine),
    tokenize(event.decky),
    tokenize(event.service),
    tokenize(event.eventType),
    tokenize(event.attackerIp),
  ]
  for (const [key, value] of Object.entries(event.fields ?? {})) {
    const values = tokenize(valueText(value))
    const keyToken = fieldKeyToken(key)
    parts.push(values)
    if (keyToken !== '') parts.push(values.map((token) => fieldToken(keyToken, token)))
  }
  if (event.system) parts.push([SYSTEM_TOKEN])
  return parts
    .filter((part) => part.length > 0)
    .map((part) => part.join(' '))
    .join(` ${PART_SEPARATOR} `)
}
