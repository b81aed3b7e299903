// What of an operator's input the audit log keeps: everything but secrets, within bounds. Inputs are
// the raw JSON a caller sent (before validation), so they are capped as hostile data.
import { createHash } from 'node:crypto'
import { isSecretName } from '../logs/secret-mask.ts'

export const REDACTED = '[redacted]'

/** Bounds of a recorded input: deeper, longer or wider parts are cut (and say so). */
const MAX_DEPTH = 6
const MAX_STRING = 1_000
const MAX_ITEMS = 50
const MAX_KEYS = 50
const MAX_KEY_LENGTH = 64

// A PEM block holding key material, wherever it appears (a TLS key pasted into any field).
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/
// Any other PEM block (certificates, CAs): sealed at rest where it is used, so the audit log keeps
// only which one it was.
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g

/**
 * Whether an input field of this name holds a secret: the captured-secret vocabulary (password, token,
 * secret, cookie, credential …) plus key material (`key`, `tlsKey`, `hmacKey`, `signingKey`), PEM and
 * file bodies (`content`: a file drop's bait is made to look like real credentials).
 */
export function isAuditSecretKey(name: string): boolean {
  const normalised = name.toLowerCase().replace(/[-_.\s]/g, '')
  return (
    isSecretName(name) ||
    normalised.endsWith('key') ||
    normalised.includes('hmac') ||
    normalised.includes('pem') ||
    normalised.includes('smtppass') ||
    normalised === 'content'
  )
}

/** Each PEM block of a string as its label and a short fingerprint of its text. */
function summarisePem(value: string): string {
  return value.replace(PEM_BLOCK, (block, label: string) => {
    const digest = createHash('sha256').update(block).digest('hex').slice(0, 16)
    return `[PEM ${label.toLowerCase()} sha256:${digest}]`
  })
}

function capString(raw: string): string {
  if (PEM_PRIVATE_KEY.test(raw)) return REDACTED
  const value = raw.includes('-----BEGIN ') ? summarisePem(raw) : raw
  return value.length > MAX_STRING
    ? `${value.slice(0, MAX_STRING)}…[+${value.length - MAX_STRING} chars]`
    : value
}

function redactValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value
  if (typeof value === 'string') return capString(value)
  if (depth >= MAX_DEPTH) return '[too deep]'
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => redactValue(item, depth + 1))
    return value.length > MAX_ITEMS ? [...items, `…[+${value.length - MAX_ITEMS} items]`] : items
  }
  if (typeof value === 'object') return redactObject(value as Record<string, unknown>, depth)
  return String(value).slice(0, MAX_STRING)
}

function redactObject(object: Record<string, unknown>, depth: number): Record<string, unknown> {
  const entries = Object.entries(object)
  const kept: Record<string, unknown> = {}
  for (const [key, value] of entries.slice(0, MAX_KEYS)) {
    const name = key.slice(0, MAX_KEY_LENGTH)
    // A secret's value goes whatever its shape; a boolean or null under a secret name (mustChangePassword) says nothing.
    const secret = isAuditSecretKey(key) && value !== null && typeof value !== 'boolean'
    kept[name] = secret ? REDACTED : redactValue(value, depth + 1)
  }
  if (entries.length > MAX_KEYS) kept['…'] = `+${entries.length - MAX_KEYS} keys`
  return kept
}

/** The input as the audit log keeps it: a JSON object with secrets redacted and every part capped. */
export function redactedInput(input: unknown): Record<string, unknown> {
  if (input === undefined) return {}
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    return redactObject(input as Record<string, unknown>, 0)
  }
  return { input: redactValue(input, 1) }
}
