import { randomBytes } from 'node:crypto'
import type { Emulator } from '../emulator.ts'
import { onEveryPort } from '../framework/listeners.ts'
import { listenTcp, type TcpSession } from '../framework/tcp.ts'
import {
  STATUS_ACCESS_DENIED,
  STATUS_LOGON_FAILURE,
  STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_NOT_SUPPORTED,
  STATUS_SUCCESS,
} from './nt-status.ts'
import { fileTime, NtlmServer } from './ntlmssp.ts'
import { capabilities, type SmbProfile, smbProfile } from './smb-persona.ts'
import { nt1Index, SMB1_MAGIC, smb1Connection } from './smb1.ts'
import { negTokenInit, negTokenResp } from './spnego.ts'
import { framed, MalformedFrame } from './stream.ts'
import { personaOf } from './windows-persona.ts'

const MAX_FRAME = 64 * 1024
const SMB2_MAGIC = Buffer.from([0xfe, 0x53, 0x4d, 0x42])

const COMMAND_NAMES = [
  'negotiate',
  'session_setup',
  'logoff',
  'tree_connect',
  'tree_disconnect',
  'create',
  'close',
  'flush',
  'read',
  'write',
  'lock',
  'ioctl',
  'cancel',
  'echo',
  'query_directory',
  'change_notify',
  'query_info',
  'set_info',
  'oplock_break',
]
type Smb2Request = {
  command: number
  messageId: Buffer
  processId: number
  treeId: number
  body: Buffer
  raw: Buffer
}

function smb2Header(
  request: Pick<Smb2Request, 'command' | 'messageId' | 'processId' | 'treeId'>,
  status: number,
  sessionId: Buffer,
): Buffer {
  const header = Buffer.alloc(64)
  SMB2_MAGIC.copy(header, 0)
  header.writeUInt16LE(64, 4)
  header.writeUInt32LE(status >>> 0, 8)
  header.writeUInt16LE(request.command, 12)
  header.writeUInt16LE(1, 14) // one credit granted
  header.writeUInt32LE(0x1, 16) // SMB2_FLAGS_SERVER_TO_REDIR
  request.messageId.copy(header, 24)
  header.writeUInt32LE(request.processId, 32)
  header.writeUInt32LE(request.treeId, 36)
  sessionId.copy(header, 40)
  return header
}

function errorBody(): Buffer {
  return Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 0])
}

type NegotiateContext = { type: number; data: Buffer }

const CONTEXT_PREAUTH = 1
const CONTEXT_ENCRYPTION = 2
const CONTEXT_SIGNING = 8
/** Server preference: AES-128-GCM, AES-128-CCM, AES-256-GCM, AES-256-CCM. */
const CIPHER_PREFERENCE = [2, 1, 4, 3]
/** AES-GMAC, AES-CMAC, HMAC-SHA256. */
const SIGNING_PREFERENCE = [2, 1, 0]

/** The client's SMB 3.1.1 negotiate contexts (offset from the SMB2 header, 8-byte aligned). */
function clientContexts(request: Smb2Request): NegotiateContext[] {
  if (request.body.length < 36) return []
  const offset = request.body.readUInt32LE(28)
  const count = Math.min(request.body.readUInt16LE(32), 16)
  const contexts: NegotiateContext[] = []
  for (let at = offset, i = 0; i < count && at + 8 <= request.raw.length; i++) {
    const length = request.raw.readUInt16LE(at + 2)
    contexts.push({ type: request.raw.readUInt16LE(at), data: request.raw.subarray(at + 8, at + 8 + length) })
    at = (at + 8 + length + 7) & ~7
  }
  return contexts
}

/** The list of 16-bit ids a context carries after its 2-byte count (ciphers, signing algorithms). */
function idList(context: NegotiateContext | undefined): number[] {
  if (!context || context.data.length < 2) return []
  const ids: number[] = []
  for (let i = 0; i < context.data.readUInt16LE(0) && 2 + i * 2 + 2 <= context.data.length; i++)
    ids.push(context.data.readUInt16LE(2 + i * 2))
  return ids
}

function context(type: number, data: Buffer): Buffer {
  const header = Buffer.alloc(8)
  header.writeUInt16LE(type, 0)
  header.writeUInt16LE(data.length, 2)
  return Buffer.concat([header, data])
}

/** The server's 3.1.1 contexts: preauth integrity (SHA-512, fresh salt), then the cipher and signing picks. */
function serverContexts(profile: SmbProfile, offered: NegotiateContext[]): Buffer[] {
  const salt = randomBytes(32)
  const preauth = Buffer.alloc(6)
  preauth.writeUInt16LE(1, 0)
  preauth.writeUInt16LE(salt.length, 2)
  preauth.writeUInt16LE(1, 4) // SHA-512
  const out = [context(CONTEXT_PREAUTH, Buffer.concat([preauth, salt]))]
  const ciphers = offered.find((item) => item.type === CONTEXT_ENCRYPTION)
  if (ciphers) {
    const offeredIds = idList(ciphers)
    const data = Buffer.alloc(4)
    data.writeUInt16LE(1, 0)
    data.writeUInt16LE(CIPHER_PREFERENCE.find((id) => offeredIds.includes(id)) ?? 0, 2)
    out.push(context(CONTEXT_ENCRYPTION, data))
  }
  const signing = offered.find((item) => item.type === CONTEXT_SIGNING)
  if (signing && profile.signingContext) {
    const offeredIds = idList(signing)
    const data = Buffer.alloc(4)
    data.writeUInt16LE(1, 0)
    data.writeUInt16LE(SIGNING_PREFERENCE.find((id) => offeredIds.includes(id)) ?? 1, 2)
    out.push(context(CONTEXT_SIGNING, data))
  }
  return out
}

/**
 * SMB2 NEGOTIATE response body (MS-SMB2 2.2.4): the persona's signing mode, ServerGuid and
 * capabilities, SystemTime read now, ServerStartTime as the real build sends it, and for 3.1.1
 * the negotiate contexts after the security buffer.
 */
export function negotiateResponse(profile: SmbProfile, dialect: number, contexts: Buffer[] = []): Buffer {
  const securityBuffer = negTokenInit(profile.mechanisms)
  const body = Buffer.alloc(64)
  body.writeUInt16LE(65, 0)
  body.writeUInt16LE(profile.securityMode, 2)
  body.writeUInt16LE(dialect, 4)
  body.writeUInt16LE(dialect === 0x0311 ? contexts.length : 0, 6)
  profile.serverGuid.copy(body, 8)
  body.writeUInt32LE(capabilities(profile, dialect), 24)
  body.writeUInt32LE(8 * 1024 * 1024, 28)
  body.writeUInt32LE(8 * 1024 * 1024, 32)
  body.writeUInt32LE(8 * 1024 * 1024, 36)
  fileTime(Date.now()).copy(body, 40)
  if (profile.startTimeMs > 0) fileTime(profile.startTimeMs).copy(body, 48)
  body.writeUInt16LE(128, 56)
  body.writeUInt16LE(securityBuffer.length, 58)
  if (dialect !== 0x0311 || contexts.length === 0) return Buffer.concat([body, securityBuffer])
  const firstContext = (128 + securityBuffer.length + 7) & ~7
  body.writeUInt32LE(firstContext, 60)
  const parts: Buffer[] = [body, securityBuffer, Buffer.alloc(firstContext - 128 - securityBuffer.length)]
  contexts.forEach((item, index) => {
    parts.push(item)
    if (index < contexts.length - 1) parts.push(Buffer.alloc((8 - (item.length % 8)) % 8))
  })
  return Buffer.concat(parts)
}

function netbios(payload: Buffer): Buffer {
  const header = Buffer.alloc(4)
  header.writeUInt32BE(payload.length & 0xffffff)
  return Buffer.concat([header, payload])
}

/** NetBIOS first-level decoding ("EJEFEFCACA…" → "SERVER"); empty when not a 32-byte name. */
function decodeNetbiosName(encoded: Buffer): string {
  if (encoded[0] !== 32 || encoded.length < 33) return ''
  let name = ''
  for (let i = 1; i < 33; i += 2) {
    name += String.fromCharCode(
      (((encoded[i] as number) - 65) << 4) | (((encoded[i + 1] as number) - 65) & 0x0f),
    )
  }
  return name.trim()
}

function smb1Dialects(message: Buffer): string[] {
  if (message.length < 35) return []
  const wordCount = message[32] as number
  const at = 33 + wordCount * 2
  if (at + 2 > message.length) return []
  const bytes = message.subarray(at + 2, at + 2 + message.readUInt16LE(at))
  return bytes
    .toString('latin1')
    .split('\0')
    .map((dialect) => (dialect.startsWith('\x02') ? dialect.slice(1) : dialect))
    .filter(Boolean)
    .slice(0, 32)
}

function connection(session: TcpSession, profile: SmbProfile, netbiosSessionService: boolean) {
  const sessionId = randomBytes(8)
  let sessionRequested = !netbiosSessionService
  const ntlm = new NtlmServer(profile.identity)
  let challenged = false
  const reply = (request: Parameters<typeof smb2Header>[0], status: number, body: Buffer, sid = sessionId) =>
    session.write(netbios(Buffer.concat([smb2Header(request, status, sid), body])))

  let smb1: ReturnType<typeof smb1Connection> | undefined
  const handleSmb1 = (message: Buffer) => {
    if (smb1 && message[4] !== 0x72) return smb1.handle(message)
    if (message[4] !== 0x72) throw new MalformedFrame('SMB1 command other than negotiate')
    const dialects = smb1Dialects(message)
    session.emit('request', { command: 'smb1_negotiate', dialects: dialects.join(',') })
    const wildcard = dialects.includes('SMB 2.???')
    if (!wildcard && !dialects.includes('SMB 2.002')) {
      // SMB1 only: 2012 R2 / 2016 and Samba < 4.11 speak it; later builds and Samba drop the client.
      const index = profile.smb1 ? nt1Index(profile.smb1, dialects) : -1
      if (!profile.smb1 && profile.product === 'samba') {
        // Samba 4.11+ (`server min protocol = SMB2_02`) answers "none of these dialects" (0xFFFF) and
        // keeps the connection: nmap -sV reads that reply as Samba smbd.
        session.write(netbios(smb1NoDialect(message)))
        return
      }
      if (!profile.smb1 || index === -1) {
        session.socket.destroy()
        return
      }
      smb1 ??= smb1Connection(session, profile, profile.smb1)
      smb1.handle(message, index)
      return
    }
    // Upgrade to SMB2 (MS-SMB2 3.3.5.3.1): an SMB2 NEGOTIATE response with the wildcard dialect.
    const request = { command: 0, messageId: Buffer.alloc(8), processId: 0xfeff, treeId: 0 }
    const dialect = wildcard ? 0x02ff : 0x0202
    reply(request, STATUS_SUCCESS, negotiateResponse(profile, dialect), Buffer.alloc(8))
  }

  const handleNegotiate = (request: Smb2Request) => {
    const count = request.body.length >= 4 ? Math.min(request.body.readUInt16LE(2), 64) : 0
    const offered: number[] = []
    for (let i = 0; i < count && 36 + i * 2 + 2 <= request.body.length; i++)
      offered.push(request.body.readUInt16LE(36 + i * 2))
    const clientGuid = request.body.subarray(12, 28).toString('hex')
    session.emit('request', {
      command: 'negotiate',
      dialects: offered.map((dialect) => `0x${dialect.toString(16).padStart(4, '0')}`).join(','),
      client_guid: clientGuid,
    })
    // The highest dialect both sides speak; a build never answers above what it ships.
    const dialect = [...profile.dialects].reverse().find((candidate) => offered.includes(candidate))
    if (dialect === undefined) return reply(request, STATUS_NOT_SUPPORTED, errorBody(), Buffer.alloc(8))
    const contexts = dialect === 0x0311 ? serverContexts(profile, clientContexts(request)) : []
    reply(request, STATUS_SUCCESS, negotiateResponse(profile, dialect, contexts), Buffer.alloc(8))
  }

  const handleSessionSetup = (request: Smb2Request) => {
    if (request.body.length < 24) throw new MalformedFrame('short SESSION_SETUP')
    const offset = request.body.readUInt16LE(12)
    const length = request.body.readUInt16LE(14)
    const blob = request.raw.subarray(offset, offset + length)
    const token = ntlm.read(blob)
    // Wrapped in SPNEGO when the NTLM message does not start the blob.
    const wrapped = token.message?.length !== blob.length
    if (token.kind === 'negotiate') {
      challenged = true
      const security = wrapped ? negTokenResp(token.reply) : token.reply
      const body = Buffer.alloc(8)
      body.writeUInt16LE(9, 0)
      body.writeUInt16LE(72, 4)
      body.writeUInt16LE(security.length, 6)
      reply(request, STATUS_MORE_PROCESSING_REQUIRED, Buffer.concat([body, security]))
      return
    }
    if (token.kind === 'authenticate' && challenged) {
      const { auth, fields } = token
      const anonymous = auth.username === '' && auth.ntResponse.length === 0
      session.emit(
        'auth_attempt',
        { ...fields, hash: anonymous ? '' : fields.hash, success: false },
        anonymous ? [] : ['hash'],
      )
      reply(request, STATUS_LOGON_FAILURE, errorBody())
      return
    }
    session.emit('request', {
      command: 'session_setup',
      mechanism: token.message ? `ntlmssp_type_${token.type}` : 'other',
      bytes: length,
    })
    reply(request, STATUS_LOGON_FAILURE, errorBody())
  }

  const handleSmb2 = (message: Buffer) => {
    if (message.length < 64) throw new MalformedFrame('short SMB2 header')
    const request: Smb2Request = {
      command: message.readUInt16LE(12),
      messageId: message.subarray(24, 32),
      processId: message.readUInt32LE(32),
      treeId: message.readUInt32LE(36),
      body: message.subarray(64),
      raw: message,
    }
    switch (request.command) {
      case 0:
        return handleNegotiate(request)
      case 1:
        return handleSessionSetup(request)
      case 13: // echo
        return reply(request, STATUS_SUCCESS, Buffer.from([4, 0, 0, 0]))
      default: {
        const name = COMMAND_NAMES[request.command] ?? `command_${request.command}`
        session.emit('request', { command: name })
        if (request.command === 2) return reply(request, STATUS_SUCCESS, Buffer.from([4, 0, 0, 0]))
        return reply(request, STATUS_ACCESS_DENIED, errorBody())
      }
    }
  }

  return (buffered: Buffer): number => {
    if (buffered.length < 4) return 0
    const type = buffered[0] as number
    const length = buffered.readUInt32BE(0) & 0xffffff
    if (length > MAX_FRAME) throw new MalformedFrame('frame too large')
    if (buffered.length < 4 + length) return 0
    const payload = buffered.subarray(4, 4 + length)
    if (type === 0x81) {
      // NetBIOS session request (port 139): called and calling names, then a positive response.
      session.emit('request', {
        command: 'netbios_session',
        called_name: decodeNetbiosName(payload),
        calling_name: decodeNetbiosName(payload.subarray(34)),
      })
      sessionRequested = true
      session.write(Buffer.from([0x82, 0, 0, 0]))
    } else if (type === 0x85) {
      // keep-alive: nothing to answer
    } else if (type !== 0x00) {
      throw new MalformedFrame('unknown NetBIOS message type')
    } else if (!sessionRequested && profile.product === 'windows') {
      // Port 139 before a session request: Windows' NetBT sends a negative response ("unspecified
      // error"); smbd takes SMB there as on 445.
      session.emit('request', { command: 'netbios_no_session' })
      session.end(Buffer.from([0x83, 0, 0, 1, 0x8f]))
      return buffered.length
    } else if (payload.subarray(0, 4).equals(SMB2_MAGIC)) {
      handleSmb2(payload)
    } else if (payload.subarray(0, 4).equals(SMB1_MAGIC)) {
      handleSmb1(payload)
    } else {
      throw new MalformedFrame('not SMB')
    }
    return 4 + length
  }
}

/**
 * SMB server up to authentication, as the persona's Windows build or Samba version: SMB1 negotiate
 * is upgraded to SMB2; NEGOTIATE offers the product's dialects (3.1.1 with its contexts), signing
 * mode, ServerGuid and mechanisms; SESSION_SETUP answers the NTLM negotiate with a challenge naming
 * the persona's computer, domain and build, captures the AUTHENTICATE (user, domain, workstation,
 * Net-NTLM hash), then fails the logon with STATUS_LOGON_FAILURE.
 */
export const smbEmulator: Emulator = {
  slug: 'smb',
  async start(ctx) {
    const profile = smbProfile(personaOf(ctx), ctx.config)
    return onEveryPort(ctx, (port, index) => {
      // 139 (or the second configured port) is the NetBIOS session service: a session request first.
      const netbiosSessionService = port === 139 || (port !== 445 && index === 1)
      return listenTcp({
        ctx,
        port,
        handle: (session) =>
          framed(session, connection(session, profile, netbiosSessionService), { maxBuffer: MAX_FRAME + 4 }),
      })
    })
  },
}

/** An SMB1 NEGOTIATE response selecting no dialect (index 0xFFFF), ids echoed from the request. */
function smb1NoDialect(request: Buffer): Buffer {
  const reply = Buffer.alloc(32 + 1 + 2 + 2)
  SMB1_MAGIC.copy(reply, 0)
  reply[4] = 0x72
  reply[9] = 0x88 // reply, case-insensitive path names
  reply.writeUInt16LE(0xc001, 10) // unicode, NT status, long names
  request.copy(reply, 12, 12, 14) // PID high
  request.copy(reply, 24, 24, 32) // TID, PID, UID, MID
  reply[32] = 1 // one word: the dialect index
  reply.writeUInt16LE(0xffff, 33)
  return reply
}
