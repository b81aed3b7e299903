import { randomBytes } from 'node:crypto'
import type { ServiceProduct } from '@decnet/core'
import { personaBytes, uptimeSeconds } from '@decnet/core/persona'
import type { Emulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import { ByteReader, framed } from './stream.ts'
import { textOf, wireSafe } from './text.ts'

/** What the greeting of one server build says about itself, besides the scramble and thread id. */
export type MysqlGreeting = {
  /** The version string on the wire (MariaDB 10.x keeps the `5.5.5-` replication prefix). */
  version: string
  /** Default authentication plugin named in the greeting (and expected in the response). */
  authPlugin: 'mysql_native_password' | 'caching_sha2_password'
  capabilities: number
  /** Default collation id of the server. */
  collation: number
  /** MariaDB's extended capabilities, in the last four filler bytes (0 on MySQL). */
  mariadbCapabilities: number
}

/** PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH, CONNECT_ATTRS, …; no SSL (the decoy has no certificate). */
const MYSQL57_CAPABILITIES = 0x81fff7ff
/** 8.0 adds SESSION_TRACK, DEPRECATE_EOF, QUERY_ATTRIBUTES, MULTI_FACTOR_AUTH … (extended word 0xdfff). */
const MYSQL80_CAPABILITIES = 0xdffff7ff
/** MariaDB ≥ 10.2 clears CLIENT_MYSQL (bit 0) to announce its extended capabilities in the filler. */
const MARIADB_CAPABILITIES = 0x81bff7fe
const MARIADB_CAPABILITIES_OLD = 0x807ff7ff

const versionNumbers = (text: string): number[] =>
  (/^(\d+)\.(\d+)\.(\d+)/.exec(text) ?? []).slice(1).map(Number)

/**
 * The greeting a product and packaged version send, so the banner, plugin and flags all tell the
 * persona's story: `10.11.6-MariaDB-0+deb12u1` on Debian 12, `8.0.40-0ubuntu0.22.04.1` on Ubuntu.
 * An operator's `version` config overrides the string only.
 */
export function mysqlGreeting(product: ServiceProduct | undefined, configured?: string): MysqlGreeting {
  const banner = configured ?? product?.banner ?? '8.0.40'
  const mariadb = /mariadb/i.test(banner) || product?.product === 'mariadb'
  const [major = 8, minor = 0] = versionNumbers(banner.replace(/^5\.5\.5-/, ''))
  if (mariadb) {
    // 10.x servers prefix 5.5.5- so old replication clients do not take "10" for 1.0; 11.x dropped it.
    const version = major === 10 && !banner.startsWith('5.5.5-') ? `5.5.5-${banner}` : banner
    const modern = major > 10 || (major === 10 && minor >= 2)
    return {
      version,
      authPlugin: 'mysql_native_password',
      capabilities: modern ? MARIADB_CAPABILITIES : MARIADB_CAPABILITIES_OLD,
      // Debian and Ubuntu packages set utf8mb4_general_ci; upstream 10.x keeps latin1_swedish_ci.
      collation: /deb|ubuntu/.test(banner) || major >= 11 ? 45 : 8,
      // PROGRESS | COM_MULTI | STMT_BULK_OPERATIONS, + EXTENDED_METADATA from 10.5, + CACHE_METADATA from 11.
      mariadbCapabilities: !modern ? 0 : major >= 11 ? 0x1f : minor >= 5 || major > 10 ? 0x0f : 0x07,
    }
  }
  const eight = major >= 8
  return {
    version: banner,
    // caching_sha2_password is MySQL 8's default plugin; 5.x greets with mysql_native_password.
    authPlugin: eight ? 'caching_sha2_password' : 'mysql_native_password',
    capabilities: eight ? MYSQL80_CAPABILITIES : MYSQL57_CAPABILITIES,
    collation: eight ? 255 : 8,
    mariadbCapabilities: 0,
  }
}

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
    const configured = configString(ctx.config, 'version')
    const server = mysqlGreeting(
      ctx.persona.services.mysql,
      configured ? wireSafe(configured, 64) : undefined,
    )
    // Thread ids count every connection since the server started: a long-running server is far along.
    let nextConnectionId =
      Math.floor(uptimeSeconds(ctx.persona, Date.now()) / 40) +
      8 +
      (personaBytes(ctx.persona, 'mysql-thread', 1)[0] ?? 0)

    return tcpOnEveryPort(ctx, {
      handle(session) {
        // The scramble must be fresh per connection, as on a real server: it is the hash salt.
        const salt = Buffer.from(randomBytes(20).map((byte) => (byte % 94) + 33))
        const connectionId = Buffer.alloc(4)
        connectionId.writeUInt32LE(nextConnectionId++ >>> 0)
        const filler = Buffer.alloc(10)
        filler.writeUInt32LE(server.mariadbCapabilities, 6)
        const capabilities = server.capabilities
        const greeting = Buffer.concat([
          Buffer.from([0x0a]),
          Buffer.from(`${server.version}\0`, 'latin1'),
          connectionId,
          salt.subarray(0, 8),
          Buffer.from([0x00, capabilities & 0xff, (capabilities >> 8) & 0xff]),
          Buffer.from([server.collation & 0xff, 0x02, 0x00]),
          Buffer.from([(capabilities >>> 16) & 0xff, (capabilities >>> 24) & 0xff, 21]),
          filler,
          salt.subarray(8),
          Buffer.from([0]),
          Buffer.from(`${server.authPlugin}\0`, 'latin1'),
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
              hash_format:
                response.plugin === 'caching_sha2_password' ? 'mysql_caching_sha2' : 'mysql_native_password',
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
