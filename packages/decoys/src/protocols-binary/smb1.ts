import { randomBytes } from 'node:crypto'
import type { TcpSession } from '../framework/tcp.ts'
import {
  STATUS_ACCESS_DENIED,
  STATUS_LOGON_FAILURE,
  STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_SUCCESS,
} from './nt-status.ts'
import { fileTime, NtlmServer, ntlmAttemptFields } from './ntlmssp.ts'
import type { SmbProfile } from './smb-persona.ts'
import { negTokenInit, negTokenResp } from './spnego.ts'
import { MalformedFrame, sliceWithin } from './stream.ts'
import { textOf } from './text.ts'

/**
 * SMB1 (MS-CIFS / MS-SMB) for the products that still have it on by default (Windows Server 2012 R2
 * and 2016, Samba before 4.11): NT LM 0.12 negotiate with or without extended security, SESSION_SETUP_ANDX far enough
 * to hand out the NTLM challenge, NativeOS/NativeLanMan (what smb-os-discovery prints) and a null
 * session, capturing any real account's response; everything past the logon is access denied.
 */

export const SMB1_MAGIC = Buffer.from([0xff, 0x53, 0x4d, 0x42])
const COMMAND_NEGOTIATE = 0x72
const COMMAND_SESSION_SETUP = 0x73
const COMMAND_LOGOFF = 0x74
const COMMAND_ECHO = 0x2b
const FLAGS2_UNICODE = 0x8000
const FLAGS2_EXTENDED_SECURITY = 0x0800
const CAP_EXTENDED_SECURITY = 0x80000000

/** What the SMB1 side of a persona announces (from its Windows build). */
export type Smb1Persona = {
  /** `Windows Server 2016 Standard 14393` */
  nativeOs: string
  /** `Windows Server 2016 Standard 6.3` */
  nativeLanMan: string
  /** Minutes to add to local time for UTC (MS-CIFS ServerTimeZone), from the persona's zone. */
  timeZoneMinutes: number
  /** NEGOTIATE limits and capabilities (without CAP_EXTENDED_SECURITY) as the product sets them. */
  maxMpx: number
  maxBuffer: number
  capabilities: number
  /** Dialect names the product picks, best first (smbd takes `NT LANMAN 1.0` before `NT LM 0.12`). */
  dialects: string[]
  /** The workgroup or domain NEGOTIATE and a basic logon name (smb.conf `workgroup` for smbd). */
  workgroup: string
}

type Header = {
  command: number
  flags2: number
  tid: number
  pidHigh: number
  pid: number
  uid: number
  mid: number
}

function readHeader(message: Buffer): Header {
  if (message.length < 35 || !message.subarray(0, 4).equals(SMB1_MAGIC))
    throw new MalformedFrame('short SMB1')
  return {
    command: message[4] as number,
    flags2: message.readUInt16LE(10),
    pidHigh: message.readUInt16LE(12),
    tid: message.readUInt16LE(24),
    pid: message.readUInt16LE(26),
    uid: message.readUInt16LE(28),
    mid: message.readUInt16LE(30),
  }
}

/** The index in a NEGOTIATE's list of the first dialect the product takes, or -1. */
export function nt1Index(smb1: Smb1Persona, dialects: string[]): number {
  for (const name of smb1.dialects) {
    const index = dialects.indexOf(name)
    if (index !== -1) return index
  }
  return -1
}

function nulString(text: string, unicode: boolean): Buffer {
  return Buffer.from(`${text}\0`, unicode ? 'utf16le' : 'latin1')
}

export function smb1Connection(session: TcpSession, profile: SmbProfile, smb1: Smb1Persona) {
  const ntlm = new NtlmServer(profile.identity)
  const uid = 0x0800 + (randomBytes(1)[0] as number)
  let extended = false
  let flags2 = 0xc001
  let challenged = false

  const message = (
    request: Header,
    status: number,
    words: Buffer,
    bytes: Buffer,
    userId = request.uid,
  ): Buffer => {
    const header = Buffer.alloc(32)
    SMB1_MAGIC.copy(header, 0)
    header[4] = request.command
    header.writeUInt32LE(status >>> 0, 5)
    header[9] = 0x88 // reply, case-insensitive path names (what Windows sets; nmap matches on it)
    header.writeUInt16LE(flags2, 10)
    header.writeUInt16LE(request.pidHigh, 12)
    header.writeUInt16LE(request.tid, 24)
    header.writeUInt16LE(request.pid, 26)
    header.writeUInt16LE(userId, 28)
    header.writeUInt16LE(request.mid, 30)
    const counts = Buffer.alloc(1)
    counts[0] = words.length / 2
    const byteCount = Buffer.alloc(2)
    byteCount.writeUInt16LE(bytes.length, 0)
    const payload = Buffer.concat([header, counts, words, byteCount, bytes])
    const frame = Buffer.alloc(4)
    frame.writeUInt32BE(payload.length, 0)
    return Buffer.concat([frame, payload])
  }
  const error = (request: Header, status: number) =>
    message(request, status, Buffer.alloc(0), Buffer.alloc(0))

  /** NEGOTIATE response for NT LM 0.12 (MS-SMB 2.2.4.5.2): extended security when the client asks. */
  const negotiate = (request: Header, index: number): Buffer => {
    extended = (request.flags2 & FLAGS2_EXTENDED_SECURITY) !== 0
    // Echo the client's string/security conventions; always NT status codes.
    flags2 =
      (request.flags2 & (FLAGS2_UNICODE | FLAGS2_EXTENDED_SECURITY | 0x0001 | 0x0002 | 0x0040)) | 0x4000
    const words = Buffer.alloc(34)
    words.writeUInt16LE(index, 0)
    words[2] = 0x03 | (profile.securityMode & 0x02 ? 0x0c : 0x04) // user level, encrypted passwords, signing
    words.writeUInt16LE(smb1.maxMpx, 3)
    words.writeUInt16LE(1, 5)
    words.writeUInt32LE(smb1.maxBuffer, 7)
    words.writeUInt32LE(65536, 11)
    words.writeUInt32LE(0, 15)
    words.writeUInt32LE((smb1.capabilities | (extended ? CAP_EXTENDED_SECURITY : 0)) >>> 0, 19)
    fileTime(Date.now()).copy(words, 23)
    words.writeInt16LE(smb1.timeZoneMinutes, 31)
    if (extended) {
      words[33] = 0
      return message(
        request,
        STATUS_SUCCESS,
        words,
        Buffer.concat([profile.serverGuid, negTokenInit(profile.mechanisms)]),
      )
    }
    words[33] = 8
    const names = Buffer.concat([
      ntlm.challenge,
      nulString(smb1.workgroup, true),
      nulString(profile.identity.netbiosComputer, true),
    ])
    return message(request, STATUS_SUCCESS, words, names)
  }

  /** NativeOS, NativeLanMan (and the primary domain for a basic logon), padded to even when Unicode. */
  const strings = (offset: number, withDomain: boolean): Buffer => {
    const unicode = (flags2 & FLAGS2_UNICODE) !== 0
    const pad = unicode && offset % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)
    return Buffer.concat([
      pad,
      nulString(smb1.nativeOs, unicode),
      nulString(smb1.nativeLanMan, unicode),
      ...(withDomain ? [nulString(smb1.workgroup, unicode)] : []),
    ])
  }

  const sessionSetupExtended = (request: Header, raw: Buffer): Buffer => {
    const blobLength = raw.readUInt16LE(33 + 14)
    const blob = sliceWithin(raw, 33 + 24 + 2, blobLength) ?? Buffer.alloc(0)
    const token = ntlm.read(blob)
    const wrapped = token.message?.length !== blob.length
    const reply = (status: number, security: Buffer, userId: number) => {
      const words = Buffer.alloc(8)
      words[0] = 0xff
      words.writeUInt16LE(security.length, 6)
      const bytes = Buffer.concat([security, strings(32 + 1 + 8 + 2 + security.length, false)])
      words.writeUInt16LE(32 + 1 + 8 + 2 + bytes.length, 2)
      return message(request, status, words, bytes, userId)
    }
    if (token.kind === 'negotiate') {
      challenged = true
      return reply(STATUS_MORE_PROCESSING_REQUIRED, wrapped ? negTokenResp(token.reply) : token.reply, uid)
    }
    if (token.kind === 'authenticate' && challenged) {
      const anonymous = token.auth.username === '' && token.auth.ntResponse.length <= 1
      session.emit(
        'auth_attempt',
        { ...token.fields, hash: anonymous ? '' : token.fields.hash, smb: 1, success: anonymous },
        anonymous ? [] : ['hash'],
      )
      // A null session is let in (as Windows does); anything else is a wrong password.
      if (anonymous)
        return reply(
          STATUS_SUCCESS,
          wrapped ? Buffer.from('a1073005a0030a0100', 'hex') : Buffer.alloc(0),
          uid,
        )
      return error(request, STATUS_LOGON_FAILURE)
    }
    session.emit('request', { command: 'smb1_session_setup', mechanism: 'other', bytes: blobLength })
    return error(request, STATUS_LOGON_FAILURE)
  }

  /** Pre-extended-security logon: LM/NT responses to the negotiate's challenge, account and domain in clear. */
  const sessionSetupBasic = (request: Header, raw: Buffer): Buffer => {
    const lmLength = Math.min(raw.readUInt16LE(33 + 14), 512)
    const ntLength = Math.min(raw.readUInt16LE(33 + 16), 1024)
    let at = 33 + 26 + 2
    const lmResponse = sliceWithin(raw, at, lmLength) ?? Buffer.alloc(0)
    const ntResponse = sliceWithin(raw, at + lmLength, ntLength) ?? Buffer.alloc(0)
    at += lmLength + ntLength
    const unicode = (request.flags2 & FLAGS2_UNICODE) !== 0
    if (unicode && at % 2 === 1) at++
    const readString = (): string => {
      const terminator = unicode ? Buffer.from([0, 0]) : Buffer.from([0])
      let end = raw.indexOf(terminator, at)
      if (unicode) while (end !== -1 && (end - at) % 2 === 1) end = raw.indexOf(terminator, end + 1)
      const stop = end === -1 ? raw.length : end
      const text = textOf(raw.subarray(at, stop), 256, unicode ? 'utf16le' : 'latin1')
      at = stop + terminator.length
      return text
    }
    const username = readString()
    const domain = readString()
    const anonymous = username === '' && ntResponse.length <= 1
    const fields = ntlmAttemptFields(
      { username, domain, workstation: '', lmResponse, ntResponse },
      ntlm.challenge,
    )
    session.emit(
      'auth_attempt',
      { ...fields, hash: anonymous ? '' : fields.hash, smb: 1, success: anonymous },
      anonymous ? [] : ['hash'],
    )
    if (!anonymous) return error(request, STATUS_LOGON_FAILURE)
    const words = Buffer.alloc(6)
    words[0] = 0xff
    const bytes = strings(32 + 1 + 6 + 2, true)
    words.writeUInt16LE(32 + 1 + 6 + 2 + bytes.length, 2)
    return message(request, STATUS_SUCCESS, words, bytes, uid)
  }

  return {
    /** Answers one SMB1 message; `negotiateIndex` is the NT LM 0.12 index for a NEGOTIATE. */
    handle(raw: Buffer, negotiateIndex?: number): void {
      const request = readHeader(raw)
      switch (request.command) {
        case COMMAND_NEGOTIATE:
          session.write(negotiate(request, negotiateIndex ?? 0))
          return
        case COMMAND_SESSION_SETUP: {
          const wordCount = raw[32] as number
          if (wordCount === 12 && extended) return void session.write(sessionSetupExtended(request, raw))
          if (wordCount === 13) return void session.write(sessionSetupBasic(request, raw))
          throw new MalformedFrame('bad SESSION_SETUP_ANDX')
        }
        case COMMAND_LOGOFF: {
          const words = Buffer.from([0xff, 0, 0, 0])
          return void session.write(message(request, STATUS_SUCCESS, words, Buffer.alloc(0)))
        }
        case COMMAND_ECHO:
          return void session.write(message(request, STATUS_SUCCESS, Buffer.from([1, 0]), raw.subarray(35)))
        default:
          session.emit('request', { command: `smb1_0x${request.command.toString(16).padStart(2, '0')}` })
          session.write(error(request, STATUS_ACCESS_DENIED))
      }
    },
  }
}
