import type { KexInit } from '../src/fingerprints/ssh-kexinit.ts'

/** One extension of a test ClientHello: its type and, for those the fingerprints read, its content. */
export type ExtensionSpec = {
  type: number
  serverName?: string
  alpn?: string[]
  /** A 2-byte-length list of 16-bit values (supported_groups, signature_algorithms). */
  u16List?: number[]
  /** A 1-byte-length list of bytes (ec_point_formats). */
  u8List?: number[]
  /** supported_versions: a 1-byte-length list of 16-bit versions. */
  versions?: number[]
}

export type HelloSpec = { version: number; ciphers: number[]; extensions: ExtensionSpec[] }

const u16 = (value: number) => Buffer.from([value >> 8, value & 0xff])
const withLength16 = (data: Buffer) => Buffer.concat([u16(data.length), data])
const withLength8 = (data: Buffer) => Buffer.concat([Buffer.from([data.length]), data])
const list16 = (values: number[]) => Buffer.concat(values.map(u16))

function extensionData(extension: ExtensionSpec): Buffer {
  if (extension.serverName !== undefined)
    return withLength16(Buffer.concat([Buffer.from([0]), withLength16(Buffer.from(extension.serverName))]))
  if (extension.alpn)
    return withLength16(Buffer.concat(extension.alpn.map((name) => withLength8(Buffer.from(name)))))
  if (extension.u16List) return withLength16(list16(extension.u16List))
  if (extension.u8List) return withLength8(Buffer.from(extension.u8List))
  if (extension.versions) return withLength8(list16(extension.versions))
  return Buffer.alloc(0)
}

/** A ClientHello in one TLS record, written from scratch the way RFC 8446 §4.1.2 lays it out. */
export function encodeClientHello(spec: HelloSpec): Buffer {
  const extensions = spec.extensions.map((extension) =>
    Buffer.concat([u16(extension.type), withLength16(extensionData(extension))]),
  )
  const body = Buffer.concat([
    u16(spec.version),
    Buffer.alloc(32, 0x42), // random
    withLength8(Buffer.alloc(32, 0x17)), // legacy_session_id
    withLength16(list16(spec.ciphers)),
    Buffer.from([1, 0]), // compression: null
    ...(extensions.length > 0 ? [withLength16(Buffer.concat(extensions))] : []),
  ])
  const handshake = Buffer.concat([
    Buffer.from([1, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]),
    body,
  ])
  return recordsOf(handshake, 16_384)
}

/** Handshake bytes cut into TLS records of at most `size` bytes each. */
export function recordsOf(handshake: Buffer, size: number): Buffer {
  const records: Buffer[] = []
  for (let at = 0; at < handshake.length; at += size) {
    const fragment = handshake.subarray(at, at + size)
    records.push(Buffer.from([0x16, 0x03, 0x01]), u16(fragment.length), fragment)
  }
  return Buffer.concat(records)
}

/** An unencrypted SSH binary packet carrying SSH_MSG_KEXINIT (RFC 4253 §6, §7.1). */
export function encodeKexInit(kexinit: KexInit): Buffer {
  const nameList = (names: string) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(Buffer.byteLength(names))
    return Buffer.concat([length, Buffer.from(names)])
  }
  const payload = Buffer.concat([
    Buffer.from([20]),
    Buffer.alloc(16, 0x99), // cookie
    ...[
      kexinit.kex,
      kexinit.serverHostKey,
      kexinit.encryptionClientToServer,
      kexinit.encryptionServerToClient,
      kexinit.macClientToServer,
      kexinit.macServerToClient,
      kexinit.compressionClientToServer,
      kexinit.compressionServerToClient,
      '',
      '',
    ].map(nameList),
    Buffer.from([0, 0, 0, 0, 0]), // first_kex_packet_follows, reserved
  ])
  const padding = 8 - ((payload.length + 5) % 8) + 8
  const header = Buffer.alloc(5)
  header.writeUInt32BE(payload.length + padding + 1)
  header[4] = padding
  return Buffer.concat([header, payload, Buffer.alloc(padding)])
}
