import { createHash } from 'node:crypto'

/** Longest raw fingerprint string kept on an event; hashes are always taken over the full string. */
export const MAX_RAW_FINGERPRINT_CHARS = 4096

export const md5Hex = (text: string) => createHash('md5').update(text, 'utf8').digest('hex')

/** The first 12 hex characters of SHA-256, the JA4 family's truncated hash; `000000000000` for nothing. */
export function sha256Prefix12(text: string): string {
  return text === '' ? '000000000000' : createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12)
}

/** Cuts attacker-controlled text to `max` characters, marking the cut with `…`. */
export function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** Four lower-case hex digits, the JA4 spelling of a 16-bit code point. */
export const hex4 = (value: number) => value.toString(16).padStart(4, '0')
