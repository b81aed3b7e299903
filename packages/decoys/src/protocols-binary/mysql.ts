import { randomBytes } from 'node:crypto'
import type { Emulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import { seededRandom } from '../framework/random.ts'
import { ByteReader, framed } from './stream.ts'
import { textOf, wireSafe } from './text.ts'

/** Versions a real scanner sees on the internet; one is chosen per decky unless configured. */
const VERSIONS = [
  '5.7.44-log',
  '5.7.42-0ubuntu0.18.04.1',
  '8.0.36',
  '8.0.35-0ubuntu0.22.04.1',
  '8.0.39-0ubuntu0.24.04.2',
  '5.5.5-10.6.16-MariaDB-0ubuntu0.22.04.1',
  '5.5.5-10.11.6-MariaDB-0+deb12u1',
]

/** What each catalogue distro's package manager installs, so the banner matches the OS story. */
const VERSIONS_BY_DISTRO: Record<string, string[]> = {
  debian: ['5.5.5-10.11.6-MariaDB-0+deb12u1', '5.5.5-10.11.4-MariaDB-1~deb12u1'],
  ubuntu22: ['8.0.36-0ubuntu0.22.04.1', '8.0.39-0ubuntu0.22.04.1', '8.0.40-0ubuntu0.22.04.1'],
  ubuntu20: ['8.0.35-0ubuntu0.20.04.1', '8.0.36-0ubuntu0.20.04.1', '8.0.39-0ubuntu0.20.04.1'],
  rocky9: ['8.0.36', '8.0.32'],
  centos7: ['5.5.68-MariaDB'],
  fedora: ['8.0.35', '5.5.5-10.5.23-MariaDB'],
  alpine: ['5.5.5-10.11.6-MariaDB', '5.5.5-10.11.5-MariaDB'],
  arch: ['5.5.5-11.2.2-MariaDB', '5.5.5-11.3.2-MariaDB'],
  kali: ['5.5.5-10.11.6-MariaDB-2', '5.5.5-11.1.2-MariaDB-1'],
}

// Capabilities of a stock server without TLS: PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH, CONNECT_ATTRS, …
const SERVER_CAPABILITIES = 0x81bff7ff
const CLIENT_CONNECT_WITH_DB = 0x8
const CLIENT_PROTOCOL_41 = 0x200
const CLIENT_SSL = 0x800
const CLIENT_SECURE_CONNECTION = 0x8000
const CLIENT_PLUGIN_AUTH = 0x80000
const CLIENT_CONNECT_ATTRS = 0x100000
const CLIENT_PLUGIN_AUTH_LENENC = 0x200000
const MAX_PACKET = 16 * 1024

function packet(sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4)
  header.writeUIntLE(payload.length, 0, 3)
  header[3] = sequence & 0xff
  return Buffer.concat([header, payload])
}

function errorPacket(code: number, sqlState: string, message: string): Buffer {
  const header = Buffer.from([0xff, code & 0xff, code >> 8])
  return Buffer.concat([header, Buffer.from(`#${sqlState}${message}`, 'utf8')])
}

function readLengthEncoded(reader: ByteReader): number {
  const first = reader.u8()
  if (first < 0xfb) return first
  if (first === 0xfc) return reader.u16le()
  if (first === 0xfd) return reader.u16le() + reader.u8() * 0x10000
  if (first === 0xfe) {
    const low = reader.u32le()
    const high = reader.u32le()
    return high === 0 ? low : Number.MAX_SAFE_INTEGER
  }
  return 0
}

type HandshakeResponse = {
  username: string
  authResponse: Buffer
  database?: string
  plugin?: string
  attributes: Record<string, string>
}

/** HandshakeResponse41 (and the pre-4.1 variant, which carries only a username worth keeping). */
function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  const reader = new ByteReader(payload)
  const capabilities = reader.u16le()
  if (!(capabilities & CLIENT_PROTOCOL_41)) {
    reader.skip(3)
    const username = reader.cstring()
    return { username, authResponse: reader.bytes(Math.max(0, reader.remaining - 1)), attributes: {} }
  }
  reader.offset = 0
  const flags = reader.u32le()
  reader.skip(4 + 1 + 23)
  const username = reader.cstring()
  let authResponse: Buffer
  if (flags & CLIENT_PLUGIN_AUTH_LENENC) authResponse = reader.bytes(readLengthEncoded(reader))
  else if (flags & CLIENT_SECURE_CONNECTION) authResponse = reader.bytes(reader.u8())
  else authResponse = Buffer.from(reader.cstring(), 'latin1')
  const result: HandshakeResponse = { username, authResponse, attributes: {} }
  if (flags & CLIENT_CONNECT_WITH_DB && reader.remaining > 0) result.database = reader.cstring()
  if (flags & CLIENT_PLUGIN_AUTH && reader.remaining > 0) result.plugin = reader.cstring()
  if (flags & CLIENT_CONNECT_ATTRS && reader.remaining > 0) {
    const total = readLengthEncoded(reader)
    const attributes = new ByteReader(reader.bytes(Math.min(total, reader.remaining)))
    for (let i = 0; i < 32 && attributes.remaining > 0; i++) {
      const key = textOf(attributes.bytes(readLengthEncoded(attributes)), 64)
      const value = textOf(attributes.bytes(readLengthEncoded(attributes)), 256)
      result.attributes[key] = value
    }
  }
  return result
}

export const mysqlEmulator: Emulator = {
  slug: 'mysql',
  async start(ctx) {
    const random = seededRandom(ctx.seed).fork('mysql')
    const candidates = (ctx.distro ? VERSIONS_BY_DISTRO[ctx.distro] : undefined) ?? VERSIONS
    const version = wireSafe(configString(ctx.config, 'version') ?? random.pick(candidates), 64)
    // Default collation id of the greeting: latin1 on MariaDB, utf8mb4 on 8.x, utf8 on 5.x.
    const charset = version.includes('MariaDB') ? 0x08 : version.startsWith('8.') ? 0xff : 0x21
    let nextConnectionId = random.int(8, 4000)

    return tcpOnEveryPort(ctx, {
      handle(session) {
        // The scramble must be fresh per connection, as on a real server: it is the hash salt.
        const salt = Buffer.from(randomBytes(20).map((byte) => (byte % 94) + 33))
        const connectionId = Buffer.alloc(4)
        connectionId.writeUInt32LE(nextConnectionId++ >>> 0)
        const greeting = Buffer.concat([
          Buffer.from([0x0a]),
          Buffer.from(`${version}\0`, 'latin1'),
          connectionId,
          salt.subarray(0, 8),
          Buffer.from([0x00, SERVER_CAPABILITIES & 0xff, (SERVER_CAPABILITIES >> 8) & 0xff]),
          Buffer.from([charset, 0x02, 0x00]),
          Buffer.from([(SERVER_CAPABILITIES >>> 16) & 0xff, (SERVER_CAPABILITIES >>> 24) & 0xff, 21]),
          Buffer.alloc(10),
          salt.subarray(8),
          Buffer.from('\0mysql_native_password\0', 'latin1'),
        ])
        session.write(packet(0, greeting))
        let answered = false
        return framed(
          session,
          (buffered) => {
            if (buffered.length < 4) return 0
            const length = buffered.readUIntLE(0, 3)
            if (length > MAX_PACKET) {
              session.socket.destroy()
              return 0
            }
            if (buffered.length < 4 + length) return 0
            const sequence = buffered[3] as number
            const payload = buffered.subarray(4, 4 + length)
            if (answered) return 4 + length
            // An SSLRequest is a bare 32-byte capability block; we never offered TLS, so a client
            // that insists is simply dropped like on a server without certificates.
            if (length === 32 && payload.readUInt32LE(0) & CLIENT_SSL) {
              session.emit('request', { kind: 'ssl_request' })
              session.socket.destroy()
              return 0
            }
            answered = true
            let response: HandshakeResponse
            try {
              response = parseHandshakeResponse(payload)
            } catch {
              session.emit('request', { kind: 'bad_handshake', bytes: length })
              session.end(packet(sequence + 1, errorPacket(1043, '08S01', 'Bad handshake')))
              return 4 + length
            }
            const usingPassword = response.authResponse.length > 0
            const fields: Record<string, string | boolean> = {
              username: response.username,
              salt: salt.toString('hex'),
              hash: response.authResponse.toString('hex'),
              hash_format: 'mysql_native_password',
              success: false,
            }
            if (response.database) fields.database = response.database
            if (response.plugin) fields.client_plugin = response.plugin
            if (Object.keys(response.attributes).length > 0) {
              fields.client_attributes = JSON.stringify(response.attributes)
            }
            session.emit('auth_attempt', fields, usingPassword ? ['hash'] : [])
            const message = `Access denied for user '${response.username.slice(0, 64)}'@'${session.ip}' (using password: ${usingPassword ? 'YES' : 'NO'})`
            session.end(packet(sequence + 1, errorPacket(1045, '28000', message)))
            return 4 + length
          },
          { maxBuffer: MAX_PACKET + 4 },
        )
      },
    })
  },
}
