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

// Field keys repeat on nearly every event (username, password, command …): tokenize each once.
const keyTokens = new Map<string, string>()
const MAX_CACHED_KEYS = 4096

function cachedFieldKeyToken(key: string): string {
  let token = keyTokens.get(key)
  if (token === undefined) {
    token = fieldKeyToken(key)
    if (keyTokens.size >= MAX_CACHED_KEYS) keyTokens.clear()
    keyTokens.set(key, token)
  }
  return token
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

const SEPARATOR = ` ${PART_SEPARATOR} `

/**
 * The normalised token text indexed for one log event: the token parts (raw line, decky, service,
 * event type, address, then each field's value tokens and the same tokens joined to the field's key)
 * with empty parts left out, tokens joined by spaces and parts by PART_SEPARATOR. Built as one string
 * without the intermediate lists: it runs for every ingested event.
 */
export function buildSearchText(event: LogEventInput): string {
  let text = ''
  const addPart = (part: string) => {
    if (part === '') return
    text = text === '' ? part : text + SEPARATOR + part
  }
  addPart(tokenize(event.rawLine).join(' '))
  addPart(tokenize(event.decky).join(' '))
  addPart(tokenize(event.service).join(' '))
  addPart(tokenize(event.eventType).join(' '))
  addPart(tokenize(event.attackerIp).join(' '))
  const fields = event.fields ?? {}
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue
    const values = tokenize(valueText(fields[key]))
    if (values.length === 0) continue
    addPart(values.join(' '))
    const keyToken = cachedFieldKeyToken(key)
    if (keyToken === '') continue
    let joined = ''
    for (const token of values) {
      joined =
        joined === '' ? keyToken + FIELD_JOINER + token : `${joined} ${keyToken}${FIELD_JOINER}${token}`
    }
    addPart(joined)
  }
  if (event.system) addPart(SYSTEM_TOKEN)
  return text
}
