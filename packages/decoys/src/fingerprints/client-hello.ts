/**
 * The TLS ClientHello as the JA3/JA4 fingerprints read it, taken from the raw bytes a client sends
 * before the handshake (Node's TLS stack never exposes them). Handles a hello split over several
 * records or TCP segments; never reads past the bytes given.
 */

/** What of a ClientHello the fingerprints use. Lists are as sent: GREASE included, original order. */
export type ClientHello = {
  /** `legacy_version` of the hello body (0x0303 for TLS 1.2 and 1.3 clients), not the record's. */
  version: number
  ciphers: number[]
  /** Extension types in the order sent. */
  extensions: number[]
  /** First host_name of the server_name extension (latin1; attacker-chosen, uncapped here). */
  serverName?: string
  /** ALPN protocol names, raw bytes. */
  alpn: Buffer[]
  supportedVersions: number[]
  signatureAlgorithms: number[]
  supportedGroups: number[]
  pointFormats: number[]
}

export type HelloScan =
  | { kind: 'incomplete' }
  /** The bytes are no TLS handshake (a plain-text probe, SSLv2): nothing to fingerprint. */
  | { kind: 'not_tls' }
  /** A handshake record that holds no readable ClientHello. */
  | { kind: 'malformed' }
  /** Announces a hello larger than the reader accepts: not buffered, not fingerprinted. */
  | { kind: 'too_large' }
  | { kind: 'hello'; hello: ClientHello; bytes: number }

/** Larger than any real ClientHello (post-quantum key shares included: about 2 KiB). */
export const MAX_CLIENT_HELLO_BYTES = 32 * 1024

const RECORD_HANDSHAKE = 0x16
const HANDSHAKE_CLIENT_HELLO = 0x01
/** TLSPlaintext.length may not exceed 2^14; some stacks tolerate a little more. */
const MAX_RECORD_BYTES = 16_384 + 2048

export const EXT_SERVER_NAME = 0x0000
export const EXT_SUPPORTED_GROUPS = 0x000a
export const EXT_EC_POINT_FORMATS = 0x000b
export const EXT_SIGNATURE_ALGORITHMS = 0x000d
export const EXT_ALPN = 0x0010
export const EXT_SUPPORTED_VERSIONS = 0x002b

/**
 * Looks for a complete ClientHello at the start of `buffer` (TLS records as read from the socket).
 * `incomplete` until the whole handshake message has arrived.
 */
export function scanClientHello(buffer: Buffer, maxBytes = MAX_CLIENT_HELLO_BYTES): HelloScan {
  const fragments: Buffer[] = []
  let gathered = 0
  let offset = 0
  for (;;) {
    if (buffer.length - offset < 5) return { kind: 'incomplete' }
    const type = buffer[offset]
    const major = buffer[offset + 1]
    if (type !== RECORD_HANDSHAKE || major !== 0x03)
      return offset === 0 ? { kind: 'not_tls' } : { kind: 'malformed' }
    const length = buffer.readUInt16BE(offset + 3)
    if (length === 0 || length > MAX_RECORD_BYTES) return { kind: 'malformed' }
    if (buffer.length - offset - 5 < length) {
      // The handshake header may already tell that the hello is too large to wait for.
      const partial = Buffer.concat([...fragments, buffer.subarray(offset + 5)])
      if (partial.length >= 4 && handshakeLength(partial) > maxBytes) return { kind: 'too_large' }
      if (partial.length >= 1 && partial[0] !== HANDSHAKE_CLIENT_HELLO) return { kind: 'malformed' }
      return { kind: 'incomplete' }
    }
    fragments.push(buffer.subarray(offset + 5, offset + 5 + length))
    gathered += length
    offset += 5 + length
    if (gathered < 4) continue
    const handshake = Buffer.concat(fragments, gathered)
    if (handshake[0] !== HANDSHAKE_CLIENT_HELLO) return { kind: 'malformed' }
    const bodyLength = handshakeLength(handshake)
    if (bodyLength > maxBytes) return { kind: 'too_large' }
    if (gathered < 4 + bodyLength) continue
    const hello = parseClientHelloBody(handshake.subarray(4, 4 + bodyLength))
    return hello ? { kind: 'hello', hello, bytes: offset } : { kind: 'malformed' }
  }
}

function handshakeLength(handshake: Buffer): number {
  return ((handshake[1] as number) << 16) | ((handshake[2] as number) << 8) | (handshake[3] as number)
}

/** A bounds-checked cursor: every read past the end throws `OutOfBounds`. */
class Reader {
  private at = 0
  constructor(private readonly data: Buffer) {}
  get remaining(): number {
    return this.data.length - this.at
  }
  u8(): number {
    this.need(1)
    return this.data[this.at++] as number
  }
  u16(): number {
    this.need(2)
    const value = this.data.readUInt16BE(this.at)
    this.at += 2
    return value
  }
  bytes(length: number): Buffer {
    this.need(length)
    const slice = this.data.subarray(this.at, this.at + length)
    this.at += length
    return slice
  }
  /** A sub-reader over a vector with a `width`-byte length prefix. */
  vector(width: 1 | 2): Reader {
    return new Reader(this.bytes(width === 1 ? this.u8() : this.u16()))
  }
  u16List(): number[] {
    const values: number[] = []
    while (this.remaining >= 2) values.push(this.u16())
    return values
  }
  private need(length: number) {
    if (this.remaining < length) throw new OutOfBounds()
  }
}

class OutOfBounds extends Error {}

/** Parses a ClientHello body (after the 4-byte handshake header); undefined when it is cut short. */
export function parseClientHelloBody(body: Buffer): ClientHello | undefined {
  try {
    const reader = new Reader(body)
    const version = reader.u16()
    reader.bytes(32) // random
    reader.vector(1) // legacy_session_id
    const ciphers = reader.vector(2).u16List()
    reader.vector(1) // compression methods
    const hello: ClientHello = {
      version,
      ciphers,
      extensions: [],
      alpn: [],
      supportedVersions: [],
      signatureAlgorithms: [],
      supportedGroups: [],
      pointFormats: [],
    }
    // A hello without extensions (SSLv3/TLS 1.0 clients) ends here.
    if (reader.remaining < 2) return hello
    const extensions = reader.vector(2)
    while (extensions.remaining >= 4) {
      const type = extensions.u16()
      const data = extensions.vector(2)
      hello.extensions.push(type)
      readExtension(hello, type, data)
    }
    return hello
  } catch (error) {
    if (error instanceof OutOfBounds) return undefined
    throw error
  }
}

/** Reads the content of the extensions the fingerprints use; a malformed one only loses its content. */
function readExtension(hello: ClientHello, type: number, data: Reader): void {
  try {
    switch (type) {
      case EXT_SERVER_NAME: {
        const list = data.vector(2)
        while (list.remaining > 0 && hello.serverName === undefined) {
          const nameType = list.u8()
          const name = list.vector(2)
          if (nameType === 0) hello.serverName = name.bytes(name.remaining).toString('latin1')
        }
        break
      }
      case EXT_SUPPORTED_GROUPS:
        hello.supportedGroups = data.vector(2).u16List()
        break
      case EXT_EC_POINT_FORMATS: {
        const formats = data.vector(1)
        while (formats.remaining > 0) hello.pointFormats.push(formats.u8())
        break
      }
      case EXT_SIGNATURE_ALGORITHMS:
        hello.signatureAlgorithms = data.vector(2).u16List()
        break
      case EXT_ALPN: {
        const list = data.vector(2)
        while (list.remaining > 0) {
          const name = list.vector(1)
          hello.alpn.push(Buffer.from(name.bytes(name.remaining)))
        }
        break
      }
      case EXT_SUPPORTED_VERSIONS: {
        const versions = data.vector(1)
        hello.supportedVersions = versions.u16List()
        break
      }
    }
  } catch (error) {
    if (!(error instanceof OutOfBounds)) throw error
  }
}
