/**
 * One decoy event line (the JSON object an emulator prints on stdout) validated and mapped to the
 * row shape `db.logs.ingest` takes. Everything here is attacker-influenced data: sizes are capped,
 * types are checked, and a bad line is a counted rejection, never an exception.
 */
import { isIP } from 'node:net'
import { CUSTOM_SERVICE_RAW_EVENT } from '@decnet/core'
import type { LogEventInput } from '@decnet/db'
import type { DecoyEvent } from '@decnet/decoys'
import { fitEvent, MAX_EVENT_BYTES } from '@decnet/decoys/events'
import { z } from 'zod'

/**
 * A line longer than this (UTF-8 bytes) is rejected unparsed as oversized. Anything shorter that is
 * over the decoys' own 16 KiB cap is cut by the same rule the decoys apply (`fitEvent`).
 */
export const MAX_LINE_BYTES = 64 * 1024
/** `rawLine` kept on the Log row (characters). */
export const MAX_RAW_LINE_CHARS = 16 * 1024
/** The key under which the decoy's `secret_fields` list travels inside `fields`. */
export const SECRET_FIELDS_KEY = 'secret_fields'

const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()])

export const decoyEventSchema = z.object({
  ts: z.string().min(1).max(64),
  decky: z.string().min(1).max(255),
  service: z.string().min(1).max(64),
  event: z.string().min(1).max(64),
  src_ip: z.string().min(1).max(128),
  src_port: z.number().int().min(0).max(65_535),
  fields: z.record(z.string().max(256), fieldValue),
  secret_fields: z.array(z.string().max(256)).max(256).optional(),
})

export type ValidDecoyEvent = z.infer<typeof decoyEventSchema>

const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= max

const isFieldValue = (value: unknown) =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value))

/**
 * The common case of `decoyEventSchema` checked by hand (zod's walk was ~5 % of ingest CPU): returns
 * the event exactly as the schema would (unknown keys dropped) when the value is plainly valid, and
 * `undefined` for anything else, which the schema then decides. So it may only ever say "valid" where
 * the schema does too; everything unusual (a `__proto__` key, a non-plain object) goes to the schema.
 */
export function plainDecoyEvent(value: unknown): ValidDecoyEvent | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const { ts, decky, service, event, src_ip, src_port, fields, secret_fields } = value as Record<
    string,
    unknown
  >
  if (!isText(ts, 64) || !isText(decky, 255) || !isText(service, 64) || !isText(event, 64)) return undefined
  if (!isText(src_ip, 128)) return undefined
  if (typeof src_port !== 'number' || !Number.isInteger(src_port) || src_port < 0 || src_port > 65_535) {
    return undefined
  }
  if (typeof fields !== 'object' || fields === null || Object.getPrototypeOf(fields) !== Object.prototype) {
    return undefined
  }
  const record = fields as Record<string, unknown>
  for (const key in record) {
    if (key.length > 256 || key === '__proto__' || !isFieldValue(record[key])) return undefined
  }
  const base = {
    ts,
    decky,
    service,
    event,
    src_ip,
    src_port,
    fields: { ...record } as ValidDecoyEvent['fields'],
  }
  // A present-but-undefined key (never from JSON) is kept by the schema: leave that case to it.
  if (secret_fields === undefined) return Object.hasOwn(value, 'secret_fields') ? undefined : base
  if (!Array.isArray(secret_fields) || secret_fields.length > 256) return undefined
  for (const name of secret_fields) if (typeof name !== 'string' || name.length > 256) return undefined
  return { ...base, secret_fields: [...(secret_fields as string[])] }
}

export type RejectReason = 'oversized' | 'not_json' | 'invalid_shape' | 'bad_timestamp' | 'bad_source'

export type ParsedLine = { ok: true; event: LogEventInput } | { ok: false; reason: RejectReason }

/** What the caller knows better than the line itself (e.g. the container's labels). */
export type LineContext = { decky?: string; service?: string }

/**
 * The real peer address: brackets and a `:port` suffix removed, IPv4-mapped IPv6 unwrapped.
 * Returns the port when the text carried one. Undefined when what remains is not an IP address.
 */
export function normalisePeer(text: string): { ip: string; port?: number } | undefined {
  let host = text.trim()
  let port: number | undefined
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(host)
  if (bracketed) {
    host = bracketed[1] as string
    if (bracketed[2] !== undefined) port = Number(bracketed[2])
  } else {
    const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(host)
    if (v4WithPort) {
      host = v4WithPort[1] as string
      port = Number(v4WithPort[2])
    }
  }
  const zone = host.indexOf('%')
  if (zone !== -1) host = host.slice(0, zone)
  if (/^::ffff:/i.test(host) && isIP(host.slice(7)) === 4) host = host.slice(7)
  if (isIP(host) === 0) return undefined
  if (port !== undefined && port > 65_535) port = undefined
  return port === undefined ? { ip: host.toLowerCase() } : { ip: host.toLowerCase(), port }
}

/** Maps a validated decoy event to a Log row input. */
export function toLogEvent(event: DecoyEvent, rawLine: string, context: LineContext = {}): ParsedLine {
  const timestamp = new Date(event.ts)
  if (Number.isNaN(timestamp.getTime())) return { ok: false, reason: 'bad_timestamp' }
  const peer = normalisePeer(event.src_ip)
  if (!peer) return { ok: false, reason: 'bad_source' }
  const fields: Record<string, unknown> = { ...event.fields }
  if (event.secret_fields && event.secret_fields.length > 0) {
    fields[SECRET_FIELDS_KEY] = [...event.secret_fields]
  }
  const port = event.src_port > 0 ? event.src_port : (peer.port ?? null)
  return {
    ok: true,
    event: {
      timestamp,
      decky: context.decky ?? event.decky,
      service: context.service ?? event.service,
      eventType: event.event,
      attackerIp: peer.ip,
      attackerPort: port,
      rawLine: rawLine.length > MAX_RAW_LINE_CHARS ? rawLine.slice(0, MAX_RAW_LINE_CHARS) : rawLine,
      fields,
    },
  }
}

/** Validates one line (without its newline) and maps it; `maxBytes` bounds what is even parsed. */
export function parseDecoyLine(
  line: string,
  context: LineContext = {},
  maxBytes = MAX_LINE_BYTES,
): ParsedLine {
  // A string's UTF-8 size is at most 3 bytes per UTF-16 unit: measure only when it could be over.
  if (line.length > maxBytes || (line.length * 3 > maxBytes && Buffer.byteLength(line) > maxBytes)) {
    return { ok: false, reason: 'oversized' }
  }
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch {
    return { ok: false, reason: 'not_json' }
  }
  let data = plainDecoyEvent(json)
  if (data === undefined) {
    const result = decoyEventSchema.safeParse(json)
    if (!result.success) return { ok: false, reason: 'invalid_shape' }
    data = result.data
  }
  if (line.length * 3 <= MAX_EVENT_BYTES || Buffer.byteLength(line) <= MAX_EVENT_BYTES) {
    return toLogEvent(data, line, context)
  }
  const fitted = fitEvent(data)
  return toLogEvent(fitted.event, fitted.line, context)
}

/** Characters of a custom service's output line kept (the rest is cut, and the cut recorded). */
export const MAX_RAW_OUTPUT_CHARS = 4 * 1024
/** Stands in for the source of a raw line, which names none. */
const NO_SOURCE = '0.0.0.0'

/**
 * One output line of a custom service (an operator's image, not an emulator: it prints text, not
 * decoy events) as a Log row of kind `raw`, capped. It names no source, so it is stored as a system
 * row: in Logs, but no attacker, credential or count is made from it.
 */
export function rawServiceLine(
  text: string,
  stream: 'stdout' | 'stderr',
  at: Date,
  context: Required<LineContext>,
): ParsedLine {
  const cut = text.length > MAX_RAW_OUTPUT_CHARS
  const line = cut ? text.slice(0, MAX_RAW_OUTPUT_CHARS) : text
  return {
    ok: true,
    event: {
      timestamp: at,
      decky: context.decky,
      service: context.service,
      eventType: CUSTOM_SERVICE_RAW_EVENT,
      attackerIp: NO_SOURCE,
      attackerPort: null,
      rawLine: line,
      fields: { stream, line, ...(cut ? { truncated_chars: text.length - MAX_RAW_OUTPUT_CHARS } : {}) },
      system: true,
    },
  }
}

/**
 * The same checks for an event handed over in-process (local engine), cut by the decoys' own rule
 * (`fitEvent`) exactly as a container's stdout line is, instead of being dropped whole.
 */
export function parseDecoyEvent(event: DecoyEvent, context: LineContext = {}): ParsedLine {
  const result = decoyEventSchema.safeParse(event)
  if (!result.success) return { ok: false, reason: 'invalid_shape' }
  const fitted = fitEvent(result.data)
  return toLogEvent(fitted.event, fitted.line, context)
}
