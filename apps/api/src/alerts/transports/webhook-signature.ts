// The webhook signature: `X-DECNET-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>`.
// Signing the timestamp with the body lets a receiver refuse replays of an old, captured request
// (README: "Verifying webhooks"); the Idempotency-Key header lets it drop a retried duplicate.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'X-DECNET-Signature'
export const IDEMPOTENCY_HEADER = 'Idempotency-Key'

/** Receivers should refuse a signature older (or newer) than this. */
export const DEFAULT_TOLERANCE_SECONDS = 300

export function signatureOf(key: string, timestamp: number, body: string): string {
  return createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')
}

export function signatureHeader(key: string, body: string, now = Date.now()): string {
  const timestamp = Math.floor(now / 1000)
  return `t=${timestamp},v1=${signatureOf(key, timestamp, body)}`
}

/**
 * What a receiver does (and what the tests' receiver does): parse the header, recompute the HMAC over
 * the raw body, compare in constant time, and refuse a timestamp outside the tolerance.
 */
export function verifySignature(
  header: string | undefined,
  body: string,
  key: string,
  { now = Date.now(), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = {},
): { ok: true } | { ok: false; reason: string } {
  if (!header) return { ok: false, reason: 'no signature header' }
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=')
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const
    }),
  )
  const timestamp = Number(parts.get('t'))
  const given = parts.get('v1') ?? ''
  if (!Number.isInteger(timestamp) || !/^[0-9a-f]{64}$/.test(given))
    return { ok: false, reason: 'malformed header' }
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds)
    return { ok: false, reason: 'timestamp outside tolerance' }
  const expected = Buffer.from(signatureOf(key, timestamp, body), 'hex')
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex')))
    return { ok: false, reason: 'signature mismatch' }
  return { ok: true }
}
