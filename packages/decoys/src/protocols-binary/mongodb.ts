import { createHash, randomBytes } from 'node:crypto'
import type { Persona } from '@decnet/core'
import { lastBootTime, personaUnit, personaValue, uptimeSeconds } from '@decnet/core/persona'
import type { Emulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import { seededRandom } from '../framework/random.ts'
import type { TcpSession } from '../framework/tcp.ts'
import {
  Binary,
  type BsonDocument,
  type BsonValue,
  Double,
  decodeDocument,
  encodeDocument,
  ObjectId,
  toLogJson,
} from './bson.ts'
import { ByteReader, framed, MalformedFrame } from './stream.ts'
import { textOf } from './text.ts'

const OP_REPLY = 1
const OP_QUERY = 2004
const OP_MSG = 2013
const MAX_MESSAGE = 256 * 1024

/** maxWireVersion of each release line (what drivers read to pick features). */
const WIRE_VERSIONS: [string, number][] = [
  ['8.0', 25],
  ['7.0', 21],
  ['6.0', 17],
  ['5.0', 13],
  ['4.4', 9],
  ['4.2', 8],
  ['4.0', 7],
]
const BUSINESS_DATABASES = [
  'crm',
  'shop',
  'inventory',
  'analytics',
  'users',
  'billing',
  'app',
  'prod',
  'reports',
]

/** What buildInfo and hello say: the release, the build it comes from, and this decky's data. */
export type MongoServer = {
  version: string
  maxWireVersion: number
  /** The release's commit: the same on every install of one release, never per decky. */
  gitVersion: string
  openssl: string
  distmod: string
  databases: BsonDocument[]
  totalSize: number
  /** hello's topologyVersion.processId: an ObjectId minted when mongod started. */
  processId: ObjectId
}

/** The OpenSSL a distro's MongoDB build links against, and the build's `distmod`. */
function platformOf(persona: Persona): { openssl: string; distmod: string } {
  const os = persona.os
  if (os.id === 'windows') return { openssl: 'Windows SChannel', distmod: 'windows' }
  switch (`${os.id}${os.versionId.split('.')[0]}`) {
    case 'ubuntu22':
      return { openssl: 'OpenSSL 3.0.2 15 Mar 2022', distmod: 'ubuntu2204' }
    case 'ubuntu20':
      return { openssl: 'OpenSSL 1.1.1f  31 Mar 2020', distmod: 'ubuntu2004' }
    case 'rocky9':
    case 'fedora39':
      return { openssl: 'OpenSSL 3.0.7 1 Nov 2022', distmod: 'rhel90' }
    case 'centos7':
      return { openssl: 'OpenSSL 1.0.1e-fips 11 Feb 2013', distmod: 'rhel70' }
    default:
      return { openssl: 'OpenSSL 3.0.15 3 Sep 2024', distmod: 'debian12' }
  }
}

export function mongoServer(persona: Persona, configuredVersion?: string): MongoServer {
  const product = persona.services.mongodb
  const version = configuredVersion ?? product?.version ?? '7.0.14'
  const line = version.split('.').slice(0, 2).join('.')
  const maxWireVersion = WIRE_VERSIONS.find(([release]) => release === line)?.[1] ?? 21
  const random = seededRandom(personaValue(persona, 'mongodb'))
  const databases: BsonDocument[] = [
    { name: 'admin', sizeOnDisk: new Double(random.int(2, 6) * 20480), empty: false },
    { name: 'config', sizeOnDisk: new Double(random.int(2, 8) * 12288), empty: false },
    { name: 'local', sizeOnDisk: new Double(random.int(2, 9) * 36864), empty: false },
  ]
  for (const name of random.sample(BUSINESS_DATABASES, random.int(1, 3))) {
    databases.push({ name, sizeOnDisk: new Double(random.int(40, 90_000) * 4096), empty: false })
  }
  const totalSize = databases.reduce((sum, db) => sum + (db.sizeOnDisk as Double).value, 0)
  // mongod starts with the machine: its ObjectId carries that second, then 5 random bytes and a counter.
  const started =
    lastBootTime(persona, Date.now()) + 3 + Math.floor(personaUnit(persona, 'mongodb-start') * 20)
  const processId = Buffer.concat([Buffer.alloc(4), randomBytes(5), randomBytes(3)])
  processId.writeUInt32BE(started >>> 0, 0)
  return {
    version,
    maxWireVersion,
    gitVersion: product?.attrs.gitVersion ?? createHash('sha1').update(`mongodb r${version}`).digest('hex'),
    ...platformOf(persona),
    databases,
    totalSize,
    processId: new ObjectId(processId),
  }
}

function legacyOpQueryRefusal(session: TcpSession, name: string, command: BsonDocument): BsonDocument {
  session.emit('command', { command: name.slice(0, 64), args: toLogJson(command), legacy_op_query: true })
  return failure(
    352,
    'UnsupportedOpQueryCommand',
    `Unsupported OP_QUERY command: ${name.slice(0, 64)}. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal`,
  )
}

type Scram = { mechanism: string; username: string; clientFirstBare: string; serverFirst: string }

const failure = (code: number, codeName: string, errmsg: string): BsonDocument => ({
  ok: new Double(0),
  errmsg,
  code,
  codeName,
})

/** `n=user,r=nonce` attributes of a SCRAM message. */
function scramAttributes(message: string): Map<string, string> {
  const attributes = new Map<string, string>()
  for (const part of message.split(',').slice(0, 16)) {
    const equals = part.indexOf('=')
    if (equals === 1) attributes.set(part[0] as string, part.slice(2))
  }
  return attributes
}

function connection(session: TcpSession, server: MongoServer, connectionId: number) {
  let scram: Scram | undefined
  const version = server.version.split('.').map(Number)

  const hello = (command: BsonDocument, legacy: boolean): BsonDocument => {
    const response: BsonDocument = {}
    if (command.helloOk === true) response.helloOk = true
    response[legacy ? 'ismaster' : 'isWritablePrimary'] = true
    Object.assign(response, {
      topologyVersion: { processId: server.processId, counter: 0n },
      maxBsonObjectSize: 16777216,
      maxMessageSizeBytes: 48000000,
      maxWriteBatchSize: 100000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      connectionId,
      minWireVersion: 0,
      maxWireVersion: server.maxWireVersion,
      readOnly: false,
    })
    if (typeof command.saslSupportedMechs === 'string') {
      session.emit('request', { command: 'hello', sasl_user: command.saslSupportedMechs.slice(0, 256) })
      response.saslSupportedMechs = ['SCRAM-SHA-1', 'SCRAM-SHA-256']
    }
    response.ok = new Double(1)
    return response
  }

  const saslStart = (command: BsonDocument): BsonDocument => {
    const mechanism = typeof command.mechanism === 'string' ? command.mechanism.slice(0, 32) : ''
    const payload = command.payload instanceof Binary ? command.payload.bytes.toString('utf8') : ''
    if (mechanism === 'PLAIN') {
      const [, username = '', password = ''] = payload.split('\0')
      session.emit(
        'auth_attempt',
        { username, password, mechanism, success: false },
        password ? ['password'] : [],
      )
      return failure(18, 'AuthenticationFailed', 'Authentication failed.')
    }
    if (!mechanism.startsWith('SCRAM-SHA-')) {
      session.emit('auth_attempt', { username: '', mechanism, success: false })
      return failure(
        334,
        'MechanismUnavailable',
        `Received authentication for mechanism ${mechanism} which is unknown or not enabled`,
      )
    }
    // client-first: "n,,n=<user>,r=<nonce>"; answer a normal server-first so the client sends its proof.
    const clientFirstBare = payload.split(',').slice(2).join(',')
    const attributes = scramAttributes(clientFirstBare)
    const iterations = mechanism === 'SCRAM-SHA-256' ? 15000 : 10000
    const serverFirst = `r=${attributes.get('r') ?? ''}${randomBytes(18).toString('base64')},s=${randomBytes(mechanism === 'SCRAM-SHA-256' ? 28 : 16).toString('base64')},i=${iterations}`
    scram = { mechanism, username: attributes.get('n') ?? '', clientFirstBare, serverFirst }
    return {
      conversationId: 1,
      done: false,
      payload: new Binary(Buffer.from(serverFirst)),
      ok: new Double(1),
    }
  }

  const saslContinue = (command: BsonDocument): BsonDocument => {
    const payload = command.payload instanceof Binary ? command.payload.bytes.toString('utf8') : ''
    if (scram) {
      const attributes = scramAttributes(payload)
      const withoutProof = payload.split(',p=')[0] ?? ''
      const server = scramAttributes(scram.serverFirst)
      session.emit(
        'auth_attempt',
        {
          username: scram.username,
          mechanism: scram.mechanism,
          hash: attributes.get('p') ?? '',
          salt: server.get('s') ?? '',
          iterations: Number(server.get('i') ?? 0),
          auth_message: `${scram.clientFirstBare},${scram.serverFirst},${withoutProof}`,
          hash_format: scram.mechanism.toLowerCase(),
          success: false,
        },
        ['hash'],
      )
      scram = undefined
    }
    return failure(18, 'AuthenticationFailed', 'Authentication failed.')
  }

  const run = (command: BsonDocument, database: string): BsonDocument => {
    const name = Object.keys(command)[0] ?? ''
    const lowered = name.toLowerCase()
    if (lowered === 'ismaster' || lowered === 'hello') {
      if (command.speculativeAuthenticate) {
        const speculative = command.speculativeAuthenticate as BsonDocument
        const payload =
          speculative.payload instanceof Binary ? speculative.payload.bytes.toString('utf8') : ''
        session.emit('request', {
          command: name,
          speculative_user: scramAttributes(payload.split(',').slice(2).join(',')).get('n') ?? '',
        })
      }
      return hello(command, lowered === 'ismaster')
    }
    session.emit('command', { command: name.slice(0, 64), db: database, args: toLogJson(command) })
    switch (lowered) {
      case 'buildinfo':
        return {
          version: server.version,
          gitVersion: server.gitVersion,
          modules: [],
          allocator: 'tcmalloc',
          javascriptEngine: 'mozjs',
          sysInfo: 'deprecated',
          versionArray: [version[0] ?? 0, version[1] ?? 0, version[2] ?? 0, 0],
          openssl: { running: server.openssl, compiled: server.openssl },
          buildEnvironment: {
            distmod: server.distmod,
            distarch: 'x86_64',
            target_arch: 'x86_64',
            target_os: server.distmod === 'windows' ? 'windows' : 'linux',
          },
          bits: 64,
          debug: false,
          maxBsonObjectSize: 16777216,
          storageEngines:
            (version[0] ?? 0) >= 7
              ? ['devnull', 'wiredTiger']
              : ['devnull', 'ephemeralForTest', 'wiredTiger'],
          ok: new Double(1),
        }
      case 'listdatabases':
        return {
          databases: server.databases,
          totalSize: new Double(server.totalSize),
          totalSizeMb: Math.round(server.totalSize / 1048576),
          ok: new Double(1),
        }
      case 'saslstart':
        return saslStart(command)
      case 'saslcontinue':
        return saslContinue(command)
      case 'authenticate':
        return failure(18, 'AuthenticationFailed', 'Authentication failed.')
      case 'ping':
      case 'endsessions':
        return { ok: new Double(1) }
      case 'getnonce':
        return { nonce: randomBytes(8).toString('hex'), ok: new Double(1) }
      case 'whatsmyuri':
        return { you: `${session.ip}:${session.port}`, ok: new Double(1) }
      case 'getlasterror':
        return { n: 0, err: null, ok: new Double(1) }
      default:
        if (/^[a-z][a-z0-9_]{0,40}$/i.test(name)) {
          return failure(13, 'Unauthorized', `command ${name} requires authentication`)
        }
        return failure(59, 'CommandNotFound', `no such command: '${name.slice(0, 64)}'`)
    }
  }

  const replyHeader = (length: number, requestId: number, opCode: number) => {
    const header = Buffer.alloc(16)
    header.writeInt32LE(length, 0)
    header.writeInt32LE(randomBytes(4).readInt32LE() & 0x7fffffff, 4)
    header.writeInt32LE(requestId, 8)
    header.writeInt32LE(opCode, 12)
    return header
  }

  return (buffered: Buffer): number => {
    if (/^(GET|HEAD|POST|PUT|OPTIONS) /.test(buffered.subarray(0, 8).toString('latin1'))) {
      // What mongod itself says to a browser or an HTTP scanner on the driver port.
      const text = 'It looks like you are trying to access MongoDB over HTTP on the native driver port.\n'
      session.emit('request', {
        kind: 'http_on_driver_port',
        line: textOf(buffered.subarray(0, buffered.indexOf('\r\n')), 256),
      })
      session.end(
        `HTTP/1.0 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`,
      )
      return buffered.length
    }
    if (buffered.length < 16) return 0
    const length = buffered.readInt32LE(0)
    if (length < 16 || length > MAX_MESSAGE) throw new MalformedFrame('bad message length')
    if (buffered.length < length) return 0
    const requestId = buffered.readInt32LE(4)
    const opCode = buffered.readInt32LE(12)
    const reader = new ByteReader(buffered.subarray(0, length), 16)
    if (opCode === OP_QUERY) {
      reader.skip(4)
      const collection = reader.cstring().slice(0, 256)
      reader.skip(8)
      const query = decodeDocument(reader.bytes(reader.remaining))
      const database = collection.split('.')[0] ?? ''
      let response: BsonDocument
      if (collection.endsWith('.$cmd')) {
        const wrapped = query.$query ?? query.query
        const command =
          wrapped && typeof wrapped === 'object' && !Array.isArray(wrapped)
            ? (wrapped as BsonDocument)
            : query
        const name = Object.keys(command)[0] ?? ''
        // 5.1 removed OP_QUERY for everything but the handshake: newer servers refuse it by name.
        response =
          server.maxWireVersion >= 14 && !/^(hello|ismaster)$/i.test(name)
            ? legacyOpQueryRefusal(session, name, command)
            : run(command, database)
      } else {
        session.emit('command', { command: 'legacy_query', collection, args: toLogJson(query) })
        response = { $err: 'not authorized', code: 13, ok: new Double(0) }
      }
      const document = encodeDocument(response)
      const fixed = Buffer.alloc(20)
      fixed.writeInt32LE(1, 16) // numberReturned
      session.write(
        Buffer.concat([replyHeader(16 + 20 + document.length, requestId, OP_REPLY), fixed, document]),
      )
    } else if (opCode === OP_MSG) {
      const flags = reader.u32le()
      const end = flags & 0x1 ? length - 4 : length
      let body: BsonDocument | undefined
      const sequences: Record<string, BsonValue[]> = {}
      while (reader.offset < end) {
        const kind = reader.u8()
        if (kind === 0) {
          const size = reader.buffer.readInt32LE(reader.offset)
          body = decodeDocument(reader.bytes(size))
        } else if (kind === 1) {
          const size = reader.i32le()
          const section = new ByteReader(reader.bytes(size - 4))
          const identifier = section.cstring().slice(0, 64)
          const documents: BsonValue[] = []
          while (section.remaining > 0 && documents.length < 100) {
            documents.push(decodeDocument(section.bytes(section.buffer.readInt32LE(section.offset))))
          }
          sequences[identifier] = documents
        } else {
          throw new MalformedFrame('unknown OP_MSG section kind')
        }
      }
      if (!body) throw new MalformedFrame('OP_MSG without a body')
      const database = typeof body.$db === 'string' ? body.$db : ''
      const response = run({ ...body, ...sequences }, database)
      // moreToCome (bit 1): the client expects no reply.
      if (!(flags & 0x2)) {
        const document = encodeDocument(response)
        const section = Buffer.from([0, 0, 0, 0, 0])
        session.write(
          Buffer.concat([replyHeader(16 + 5 + document.length, requestId, OP_MSG), section, document]),
        )
      }
    } else {
      // OP_COMPRESSED and legacy writes: we advertised neither compression nor unauthenticated writes.
      session.emit('request', { kind: `opcode_${opCode}` })
      session.socket.destroy()
    }
    return length
  }
}

/**
 * MongoDB wire protocol (OP_QUERY and OP_MSG): hello/isMaster, buildInfo and listDatabases are
 * answered from the persona (release, build platform, boot time) and this decky's databases; SASL logins are played along far enough to
 * capture the username (and SCRAM proof, or PLAIN password) and then fail with AuthenticationFailed.
 */
export const mongodbEmulator: Emulator = {
  slug: 'mongodb',
  async start(ctx) {
    const server = mongoServer(ctx.persona, configString(ctx.config, 'version'))
    // Connection ids count every client since mongod started (monitoring alone opens a few an hour).
    let nextConnectionId = 5 + Math.floor(uptimeSeconds(ctx.persona, Date.now()) / 900)
    return tcpOnEveryPort(ctx, {
      handle: (session) =>
        framed(session, connection(session, server, nextConnectionId++), { maxBuffer: MAX_MESSAGE }),
    })
  },
}
