// Structural INI reader: lines → sections → key/value entries. Stricter than Python configparser
// on purpose: values are literal (no % interpolation), duplicates and prototype-polluting names
// are errors, and every error names its line. Semantics live in fleet.ts.
import { DecnetError, iniError, quote } from '../errors.ts'

export const MAX_INI_BYTES = 512 * 1024

export interface IniEntry {
  value: string
  line: number
}

export interface IniSection {
  name: string
  line: number
  /** A Map, never a plain object, so no key can reach Object.prototype. */
  entries: Map<string, IniEntry>
}

const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype'])
const KEY_RE = /^[a-z0-9][a-z0-9_-]*$/
// Tab, LF and CR are the only control characters an INI legitimately contains.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/
/** A lone UTF-16 surrogate: what invalid UTF-8 decodes to in some clients; never valid text. */
export const LONE_SURROGATE_RE = /\p{Cs}/u

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length
}

function checkRawInput(text: string): void {
  // Cheap bound first: UTF-8 never uses fewer bytes than UTF-16 code units for our purposes.
  if (text.length > MAX_INI_BYTES || utf8Length(text) > MAX_INI_BYTES) {
    throw new DecnetError('invalid_ini', `INI is larger than the maximum of ${MAX_INI_BYTES / 1024} KiB`)
  }
  const nul = text.indexOf('\u0000')
  if (nul !== -1) {
    const line = text.slice(0, nul).split(/\r\n|\r|\n/).length
    throw iniError({ line }, 'INI contains a NUL byte')
  }
}

function forbiddenSegment(name: string): string | undefined {
  return name.split('.').find((segment) => FORBIDDEN_NAMES.has(segment.trim().toLowerCase()))
}

/** Splits `key = value` / `key: value` at the first delimiter, as configparser does. */
function splitKeyValue(text: string): [string, string] | undefined {
  const eq = text.indexOf('=')
  const colon = text.indexOf(':')
  const at = eq === -1 ? colon : colon === -1 ? eq : Math.min(eq, colon)
  if (at === -1) return undefined
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()]
}

export function readIni(input: string): IniSection[] {
  checkRawInput(input)
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input
  if (text.trim() === '') throw new DecnetError('invalid_ini', 'INI is empty')

  const sections: IniSection[] = []
  const seen = new Map<string, IniSection>()
  let current: IniSection | undefined
  const lines = text.split(/\r\n|\r|\n/)

  lines.forEach((raw, index) => {
    const line = index + 1
    const control = CONTROL_RE.exec(raw)
    if (control) {
      const code = control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()
      throw iniError({ line }, `control character U+${code} is not allowed`)
    }
    if (LONE_SURROGATE_RE.test(raw)) throw iniError({ line }, 'text is not valid Unicode (lone surrogate)')
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return

    if (trimmed.startsWith('[')) {
      if (!trimmed.endsWith(']')) throw iniError({ line }, `malformed section header ${quote(trimmed)}`)
      const name = trimmed.slice(1, -1).trim()
      if (name === '') throw iniError({ line }, 'empty section name')
      const bad = forbiddenSegment(name)
      if (bad !== undefined)
        throw iniError({ line, section: name }, `section name ${quote(bad)} is not allowed`)
      const previous = seen.get(name)
      if (previous) {
        throw iniError({ line, section: name }, `duplicate section (first defined on line ${previous.line})`)
      }
      current = { name, line, entries: new Map() }
      seen.set(name, current)
      sections.push(current)
      return
    }

    if (!current) throw iniError({ line }, `${quote(trimmed)} appears before any [section] header`)
    const pair = splitKeyValue(trimmed)
    if (!pair)
      throw iniError({ line, section: current.name }, `expected 'key = value', got ${quote(trimmed)}`)
    // Keys are case-insensitive (as in configparser), so `IP` and `ip` are the same key.
    const key = pair[0].toLowerCase()
    if (key === '') throw iniError({ line, section: current.name }, 'missing key before the delimiter')
    if (FORBIDDEN_NAMES.has(key))
      throw iniError({ line, section: current.name, key }, 'key name is not allowed')
    if (!KEY_RE.test(key)) {
      throw iniError({ line, section: current.name, key }, 'keys may only contain a-z, 0-9, _ and -')
    }
    const previous = current.entries.get(key)
    if (previous) {
      throw iniError(
        { line, section: current.name, key },
        `duplicate key (first set on line ${previous.line})`,
      )
    }
    current.entries.set(key, { value: pair[1], line })
  })

  if (sections.length === 0) throw new DecnetError('invalid_ini', 'INI has no [section] headers')
  return sections
}
