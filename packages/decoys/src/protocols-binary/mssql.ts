import type { Emulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import type { TcpSession } from '../framework/tcp.ts'
import { type NtlmIdentity, NtlmServer } from './ntlmssp.ts'
import { framed, MalformedFrame, sliceWithin } from './stream.ts'
import { textOf } from './text.ts'
import { ntlmIdentity, personaOf } from './windows-persona.ts'

const TYPE_SQL_BATCH = 0x01
const TYPE_TABULAR_RESULT = 0x04
const TYPE_LOGIN7 = 0x10
const TYPE_SSPI = 0x11
const TYPE_PRELOGIN = 0x12
const MAX_MESSAGE = 64 * 1024
const ENCRYPT_NOT_SUP = 0x02
const TDS_7_2 = 0x72090002

/** `15.0.4322.2` → major, minor, build, sub-build as PRELOGIN's VERSION option carries them. */
export function preloginVersion(version: string): [number, number, number, number] {
  const [major = 15, minor = 0, build = 2000, sub = 0] = version
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0)
  return [major & 0xff, minor & 0xff, build & 0xffff, sub & 0xffff]
}

const LOGIN_FIELDS = [
  'hostname',
  'username',
  'password',
  'app_name',
  'server_name',
  'extension',
  'library',
  'language',
  'database',
]

function tdsPacket(type: number, payload: Buffer, packetId = 1): Buffer {
  const header = Buffer.alloc(8)
  header[0] = type
  header[1] = 0x01 // end of message
  header.writeUInt16BE(payload.length + 8, 2)
  header[6] = packetId
  return Buffer.concat([header, payload])
}

/** Option tokens present in the client's PRELOGIN (the table ends at 0xFF). */
function preloginOptions(message: Buffer): Set<number> {
  const tokens = new Set<number>()
  for (let at = 0; at + 5 <= message.length && tokens.size < 16; at += 5) {
    const token = message[at] as number
    if (token === 0xff) break
    tokens.add(token)
  }
  return tokens
}

/**
 * A server answers VERSION, ENCRYPTION, INSTOPT and THREADID (empty), plus MARS and FEDAUTHREQUIRED
 * only when the client asked about them: a fixed five-option reply is a known honeypot signature.
 */
function preloginResponse(version: [number, number, number, number], requested: Set<number>): Buffer {
  const data: [number, Buffer][] = [
    [
      0,
      Buffer.from([
        version[0],
        version[1],
        version[2] >> 8,
        version[2] & 0xff,
        version[3] >> 8,
        version[3] & 0xff,
      ]),
    ],
    [1, Buffer.from([ENCRYPT_NOT_SUP])],
    [2, Buffer.from([0])],
    [3, Buffer.alloc(0)],
  ]
  if (requested.has(4)) data.push([4, Buffer.from([0])])
  if (requested.has(6)) data.push([6, Buffer.from([0])])
  const table = Buffer.alloc(data.length * 5 + 1)
  let offset = table.length
  data.forEach(([token, value], index) => {
    table[index * 5] = token
    table.writeUInt16BE(offset, index * 5 + 1)
    table.writeUInt16BE(value.length, index * 5 + 3)
    offset += value.length
  })
  table[table.length - 1] = 0xff
  return Buffer.concat([table, ...data.map(([, value]) => value)])
}

/** Undoes LOGIN7 password obfuscation: XOR 0xA5, then swap the nibbles. */
function deobfuscatePassword(bytes: Buffer): string {
  const plain = Buffer.from(
    bytes.map((byte) => {
      const unxored = byte ^ 0xa5
      return ((unxored & 0x0f) << 4) | (unxored >> 4)
    }),
  )
  return plain.toString('utf16le')
}

type Login7 = {
  tdsVersion: number
  clientPid: number
  fields: Record<string, string>
  /** Integrated (Windows) authentication: the SSPI token, an NTLMSSP NEGOTIATE from most clients. */
  sspi?: Buffer
}

function parseLogin7(message: Buffer): Login7 {
  if (message.length < 36 + LOGIN_FIELDS.length * 4) throw new MalformedFrame('short LOGIN7')
  const fields: Record<string, string> = {}
  LOGIN_FIELDS.forEach((name, index) => {
    const at = 36 + index * 4
    const offset = message.readUInt16LE(at)
    const characters = Math.min(message.readUInt16LE(at + 2), 256)
    if (name === 'extension') return
    const bytes = sliceWithin(message, offset, characters * 2) ?? Buffer.alloc(0)
    fields[name] = name === 'password' ? deobfuscatePassword(bytes) : textOf(bytes, 512, 'utf16le')
  })
  const login: Login7 = { tdsVersion: message.readUInt32LE(4), clientPid: message.readUInt32LE(16), fields }
  if (message.length >= 82) {
    const sspi = sliceWithin(message, message.readUInt16LE(78), message.readUInt16LE(80))
    if (sspi && sspi.length > 0) login.sspi = sspi
  }
  return login
}

function loginFailed(username: string, serverName: string, tdsVersion: number): Buffer {
  const text = Buffer.from(`Login failed for user '${username.slice(0, 128)}'.`, 'utf16le')
  const server = Buffer.from(serverName.slice(0, 128), 'utf16le')
  const modern = tdsVersion >= TDS_7_2
  const body = Buffer.alloc(6)
  body.writeInt32LE(18456, 0)
  body[4] = 1 // state
  body[5] = 14 // class (severity)
  const lineNumber = modern ? Buffer.from([1, 0, 0, 0]) : Buffer.from([1, 0])
  const error = Buffer.concat([
    body,
    Buffer.from([(text.length / 2) & 0xff, (text.length / 2) >> 8]),
    text,
    Buffer.from([server.length / 2]),
    server,
    Buffer.from([0]),
    lineNumber,
  ])
  const errorHeader = Buffer.from([0xaa, error.length & 0xff, error.length >> 8])
  const done = Buffer.alloc(modern ? 13 : 9)
  done[0] = 0xfd
  done.writeUInt16LE(0x0002, 1) // DONE_ERROR
  return Buffer.concat([errorHeader, error, done])
}

/** SSPI token (0xED) carrying the NTLM challenge back to an integrated-auth client. */
function sspiToken(token: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xed, token.length & 0xff, token.length >> 8]), token])
}

function connection(
  session: TcpSession,
  version: [number, number, number, number],
  serverName: string,
  identity: NtlmIdentity,
) {
  const parts: Buffer[] = []
  let size = 0
  let loggedIn = false
  /** Set while an integrated login waits for the client's NTLM AUTHENTICATE (TDS SSPI message). */
  let pendingSspi: { login: Login7; ntlm: NtlmServer } | undefined
  return (buffered: Buffer): number => {
    if (buffered.length < 8) return 0
    const type = buffered[0] as number
    const length = buffered.readUInt16BE(2)
    if (length < 8) throw new MalformedFrame('bad TDS length')
    if (buffered.length < length) return 0
    const endOfMessage = ((buffered[1] as number) & 0x01) === 1
    parts.push(buffered.subarray(8, length))
    size += length - 8
    if (size > MAX_MESSAGE) throw new MalformedFrame('TDS message too large')
    if (!endOfMessage) return length
    const message = Buffer.concat(parts)
    parts.length = 0
    size = 0
    if (type === TYPE_PRELOGIN) {
      session.emit('request', { kind: 'prelogin', bytes: message.length })
      session.write(tdsPacket(TYPE_TABULAR_RESULT, preloginResponse(version, preloginOptions(message))))
    } else if (type === TYPE_LOGIN7 && !loggedIn) {
      loggedIn = true
      const login = parseLogin7(message)
      const ntlm = new NtlmServer(identity)
      const token = ntlm.read(login.sspi)
      if (token.kind === 'negotiate') {
        pendingSspi = { login, ntlm }
        session.write(tdsPacket(TYPE_TABULAR_RESULT, sspiToken(token.reply)))
        return length
      }
      const username = login.fields.username ?? ''
      const { extension: _unused, ...fields } = login.fields
      session.emit(
        'auth_attempt',
        {
          ...fields,
          tds_version: `0x${login.tdsVersion.toString(16)}`,
          client_pid: login.clientPid,
          success: false,
        },
        fields.password ? ['password'] : [],
      )
      session.end(tdsPacket(TYPE_TABULAR_RESULT, loginFailed(username, serverName, login.tdsVersion)))
    } else if (type === TYPE_SSPI && pendingSspi) {
      const { login, ntlm } = pendingSspi
      pendingSspi = undefined
      const token = ntlm.read(message)
      const auth = token.kind === 'authenticate' ? token.auth : undefined
      const ntlmFields = token.kind === 'authenticate' ? token.fields : ntlm.fields()
      const { extension: _unused, password: _none, ...fields } = login.fields
      session.emit(
        'auth_attempt',
        {
          ...fields,
          ...ntlmFields,
          method: 'ntlm',
          tds_version: `0x${login.tdsVersion.toString(16)}`,
          success: false,
        },
        ntlmFields.hash ? ['hash'] : [],
      )
      const account = auth ? `${auth.domain}\\${auth.username}` : ''
      session.end(tdsPacket(TYPE_TABULAR_RESULT, loginFailed(account, serverName, login.tdsVersion)))
    } else {
      session.emit('request', {
        kind: type === TYPE_SQL_BATCH ? 'sql_batch' : `packet_${type}`,
        text: type === TYPE_SQL_BATCH ? textOf(message, 2048, 'utf16le') : '',
      })
      session.socket.destroy()
    }
    return length
  }
}

/**
 * SQL Server (TDS): PRELOGIN answered with the persona's SQL Server version and no encryption, LOGIN7 parsed
 * (user, de-obfuscated password, client host, application, library, database) and refused with
 * error 18456 "Login failed for user". Integrated (NTLM) logins get a challenge from the decky's
 * Windows identity and their Net-NTLM response is captured before the same refusal.
 */
export const mssqlEmulator: Emulator = {
  slug: 'mssql',
  async start(ctx) {
    const persona = personaOf(ctx)
    // The persona's SQL Server release (its year and CU), as `nmap -sV` reads it from PRELOGIN;
    // config `version` is the operator's override.
    const version = preloginVersion(
      configString(ctx.config, 'version') ?? persona.services.mssql?.version ?? '15.0.2000.5',
    )
    const identity = ntlmIdentity(persona, ctx.config)
    const serverName = identity.netbiosComputer
    return tcpOnEveryPort(ctx, {
      handle: (session) =>
        framed(session, connection(session, version, serverName, identity), { maxBuffer: MAX_MESSAGE + 8 }),
    })
  },
}
