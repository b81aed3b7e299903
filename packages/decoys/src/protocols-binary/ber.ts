import { MalformedFrame } from './stream.ts'

/**
 * Minimal BER (ASN.1) codec for LDAP, SNMP and SPNEGO. Reading is defensive: lengths are checked
 * against the enclosing buffer, long-form lengths beyond 4 bytes and indefinite lengths are
 * rejected, and nesting is bounded by the callers (they only descend into known structures).
 */
export type BerElement = {
  tag: number
  /** Content octets (a view into the original buffer). */
  value: Buffer
  /** Offset just past this element in the buffer it was read from. */
  end: number
}

/** Reads one TLV at `offset`; returns undefined when more bytes are needed, throws when malformed. */
function readBer(buffer: Buffer, offset = 0): BerElement | undefined {
  if (offset + 2 > buffer.length) return undefined
  const tag = buffer[offset] as number
  // Multi-byte tags never occur in the protocols we speak.
  if ((tag & 0x1f) === 0x1f) throw new MalformedFrame('high tag number')
  const first = buffer[offset + 1] as number
  let length = first
  let header = 2
  if (first & 0x80) {
    const count = first & 0x7f
    if (count === 0 || count > 4) throw new MalformedFrame('unsupported BER length')
    if (offset + 2 + count > buffer.length) return undefined
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + (buffer[offset + 2 + i] as number)
    header += count
  }
  const start = offset + header
  if (start + length > buffer.length) return undefined
  return { tag, value: buffer.subarray(start, start + length), end: start + length }
}

/** Declared total size of the TLV at the start of `buffer`, without requiring its content yet. */
export function berFrameLength(buffer: Buffer): number | undefined {
  if (buffer.length < 2) return undefined
  if (((buffer[0] as number) & 0x1f) === 0x1f) throw new MalformedFrame('high tag number')
  const first = buffer[1] as number
  if (!(first & 0x80)) return 2 + first
  const count = first & 0x7f
  if (count === 0 || count > 4) throw new MalformedFrame('unsupported BER length')
  if (buffer.length < 2 + count) return undefined
  let length = 0
  for (let i = 0; i < count; i++) length = length * 256 + (buffer[2 + i] as number)
  return 2 + count + length
}

/** Reads one complete TLV or throws (for content already known to be complete). */
export function expectBer(buffer: Buffer, offset: number, tag?: number): BerElement {
  const element = readBer(buffer, offset)
  if (!element) throw new MalformedFrame('truncated BER element')
  if (tag !== undefined && element.tag !== tag) throw new MalformedFrame('unexpected BER tag')
  return element
}

/** All TLVs inside a constructed element's content. */
export function berChildren(value: Buffer, max = 256): BerElement[] {
  const children: BerElement[] = []
  let offset = 0
  while (offset < value.length) {
    if (children.length >= max) throw new MalformedFrame('too many BER children')
    const child = expectBer(value, offset)
    children.push(child)
    offset = child.end
  }
  return children
}

export function berInteger(value: Buffer): number {
  if (value.length === 0 || value.length > 6) throw new MalformedFrame('bad BER integer')
  let result = (value[0] as number) & 0x80 ? -1 : 0
  for (const byte of value) result = result * 256 + byte
  return result
}

export function berOid(value: Buffer): string {
  if (value.length === 0 || value.length > 128) throw new MalformedFrame('bad OID')
  const first = value[0] as number
  const parts = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40]
  let current = 0
  for (let i = 1; i < value.length; i++) {
    const byte = value[i] as number
    current = current * 128 + (byte & 0x7f)
    if (current > Number.MAX_SAFE_INTEGER / 256) throw new MalformedFrame('OID arc too large')
    if (!(byte & 0x80)) {
      parts.push(current)
      current = 0
    }
  }
  return parts.join('.')
}

// ---- encoding ----

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length])
  const bytes: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body])
}

export const sequence = (...content: Buffer[]): Buffer => tlv(0x30, ...content)

/**
 * A TLV whose length always takes the 4-byte long form (0x84 …), which is how Active Directory
 * encodes every constructed element; scanners tell AD from OpenLDAP by it.
 */
export function tlvLongForm(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  const header = Buffer.from([tag, 0x84, 0, 0, 0, 0])
  header.writeUInt32BE(body.length, 2)
  return Buffer.concat([header, body])
}

/** Two's-complement minimal encoding of a (safe) integer under the given tag (INTEGER by default). */
export function integer(value: number, tag = 0x02): Buffer {
  const bytes: number[] = []
  let rest = value
  do {
    bytes.unshift(((rest % 256) + 256) % 256)
    rest = Math.floor(rest / 256)
  } while (rest !== 0 && rest !== -1)
  const top = bytes[0] as number
  if (value >= 0 && top & 0x80) bytes.unshift(0)
  if (value < 0 && !(top & 0x80)) bytes.unshift(0xff)
  return tlv(tag, Buffer.from(bytes))
}

/** Unsigned application integers (TimeTicks, Counter32, Gauge32) need the leading zero rule only. */
export function unsigned(value: number, tag: number): Buffer {
  return integer(Math.max(0, Math.floor(value)) % 2 ** 32, tag)
}

export function octets(value: string | Buffer, tag = 0x04): Buffer {
  return tlv(tag, typeof value === 'string' ? Buffer.from(value, 'utf8') : value)
}

export function enumerated(value: number): Buffer {
  return integer(value, 0x0a)
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number)
  const bytes: number[] = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)]
  for (const part of parts.slice(2)) {
    const arc: number[] = [part & 0x7f]
    for (let rest = Math.floor(part / 128); rest > 0; rest = Math.floor(rest / 128)) {
      arc.unshift((rest & 0x7f) | 0x80)
    }
    bytes.push(...arc)
  }
  return tlv(0x06, Buffer.from(bytes))
}

export const NULL = Buffer.from([0x05, 0x00])
