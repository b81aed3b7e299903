import { randomBytes } from 'node:crypto'
import { sliceWithin } from './stream.ts'

/** NTLMSSP (MS-NLMP) server side: CHALLENGE_MESSAGE construction and AUTHENTICATE_MESSAGE capture. */

export const NTLMSSP_SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1')

export type NtlmIdentity = {
  /** Whose NTLM stack answers: Windows, or Samba on a Linux/BSD persona. */
  product: 'windows' | 'samba'
  /** A workgroup machine: it answers with its own name as the domain and has no DNS tree. */
  standalone: boolean
  netbiosDomain: string
  netbiosComputer: string
  dnsDomain: string
  dnsComputer: string
  /** Windows version advertised in the VERSION structure, with the NTLM revision of that build. */
  version: { major: number; minor: number; build: number; revision: number }
}

// UNICODE | REQUEST_TARGET | SIGN | NTLM | ALWAYS_SIGN | TARGET_TYPE_DOMAIN | EXTENDED_SESSIONSECURITY
// | TARGET_INFO | VERSION | 128 | KEY_EXCH | 56: what a domain-joined Windows server answers; a
// workgroup machine says TARGET_TYPE_SERVER instead.
const DOMAIN_CHALLENGE_FLAGS = 0xe2898215
const STANDALONE_CHALLENGE_FLAGS = 0xe28a8215
const FLAG_UNICODE = 0x1

const utf16 = (text: string) => Buffer.from(text, 'utf16le')

function avPair(id: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4)
  header.writeUInt16LE(id, 0)
  header.writeUInt16LE(value.length, 2)
  return Buffer.concat([header, value])
}

/** FILETIME: 100 ns ticks since 1601-01-01. */
export function fileTime(date: number): Buffer {
  const ticks = (BigInt(date) + 11_644_473_600_000n) * 10_000n
  const out = Buffer.alloc(8)
  out.writeBigUInt64LE(ticks)
  return out
}

/** The NTLMSSP message carried somewhere in `bytes` (a SPNEGO, CredSSP or TDS SSPI wrapper, or bare). */
export function findNtlmMessage(bytes: Buffer | undefined): Buffer | undefined {
  const at = bytes ? bytes.indexOf(NTLMSSP_SIGNATURE) : -1
  return bytes && at !== -1 ? bytes.subarray(at) : undefined
}

export function messageType(message: Buffer): number | undefined {
  if (message.length < 12 || !message.subarray(0, 8).equals(NTLMSSP_SIGNATURE)) return undefined
  return message.readUInt32LE(8)
}

export function buildChallenge(identity: NtlmIdentity, challenge: Buffer): Buffer {
  const targetName = utf16(identity.netbiosDomain)
  const targetInfo = Buffer.concat([
    avPair(2, utf16(identity.netbiosDomain)),
    avPair(1, utf16(identity.netbiosComputer)),
    avPair(4, utf16(identity.dnsDomain)),
    avPair(3, utf16(identity.dnsComputer)),
    ...(identity.standalone ? [] : [avPair(5, utf16(identity.dnsDomain))]),
    avPair(7, fileTime(Date.now())),
    avPair(0, Buffer.alloc(0)),
  ])
  const header = Buffer.alloc(56)
  NTLMSSP_SIGNATURE.copy(header, 0)
  header.writeUInt32LE(2, 8)
  header.writeUInt16LE(targetName.length, 12)
  header.writeUInt16LE(targetName.length, 14)
  header.writeUInt32LE(56, 16)
  header.writeUInt32LE(identity.standalone ? STANDALONE_CHALLENGE_FLAGS : DOMAIN_CHALLENGE_FLAGS, 20)
  challenge.copy(header, 24, 0, 8)
  header.writeUInt16LE(targetInfo.length, 40)
  header.writeUInt16LE(targetInfo.length, 42)
  header.writeUInt32LE(56 + targetName.length, 44)
  header[48] = identity.version.major
  header[49] = identity.version.minor
  header.writeUInt16LE(identity.version.build, 50)
  header[55] = identity.version.revision
  return Buffer.concat([header, targetName, targetInfo])
}

export type NtlmAuthentication = {
  username: string
  domain: string
  workstation: string
  lmResponse: Buffer
  ntResponse: Buffer
}

const MAX_FIELD = 4096

function field(message: Buffer, at: number): Buffer {
  if (at + 8 > message.length) return Buffer.alloc(0)
  const length = message.readUInt16LE(at)
  const offset = message.readUInt32LE(at + 4)
  return sliceWithin(message, offset, Math.min(length, MAX_FIELD)) ?? Buffer.alloc(0)
}

/** AUTHENTICATE_MESSAGE (type 3); fields pointing outside the message read as empty. */
export function parseAuthenticate(message: Buffer): NtlmAuthentication {
  const flags = message.length >= 64 ? message.readUInt32LE(60) : FLAG_UNICODE
  const decode = (bytes: Buffer) =>
    bytes.subarray(0, 512).toString(flags & FLAG_UNICODE ? 'utf16le' : 'latin1')
  let ntResponse = field(message, 20)
  if (ntResponse.length === 16 && message.length >= 28) {
    // Some clients (tedious) declare only the 16-byte NTProofStr and append the NTLMv2 blob right
    // after it; Windows accepts that, so the blob is taken from there.
    const offset = message.readUInt32LE(24)
    ntResponse = message.subarray(offset, Math.min(message.length, offset + MAX_FIELD))
  }
  return {
    lmResponse: field(message, 12),
    ntResponse,
    domain: decode(field(message, 28)),
    username: decode(field(message, 36)),
    workstation: decode(field(message, 44)),
  }
}

/** The captured response in the format offline crackers take (hashcat 5600 NetNTLMv2 / 5500 v1). */
export function crackableHash(auth: NtlmAuthentication, challenge: Buffer): { hash: string; format: string } {
  const hex = (bytes: Buffer) => bytes.toString('hex')
  if (auth.ntResponse.length > 24) {
    const proof = auth.ntResponse.subarray(0, 16)
    const blob = auth.ntResponse.subarray(16)
    return {
      hash: `${auth.username}::${auth.domain}:${hex(challenge)}:${hex(proof)}:${hex(blob)}`,
      format: 'netntlmv2',
    }
  }
  return {
    hash: `${auth.username}::${auth.domain}:${hex(auth.lmResponse)}:${hex(auth.ntResponse)}:${hex(challenge)}`,
    format: 'netntlmv1',
  }
}

/**
 * What every NTLM `auth_attempt` event records: the account, the client's workstation, the server
 * challenge and the crackable hash (empty when no AUTHENTICATE message came).
 */
export function ntlmAttemptFields(auth: NtlmAuthentication | undefined, challenge: Buffer) {
  const { hash, format } = auth ? crackableHash(auth, challenge) : { hash: '', format: 'netntlmv2' }
  return {
    username: auth?.username ?? '',
    domain: auth?.domain ?? '',
    workstation: auth?.workstation ?? '',
    challenge: challenge.toString('hex'),
    hash,
    hash_format: format,
  }
}

/** An NTLM message as a server reads it from whatever wraps it (SPNEGO, CredSSP, TDS SSPI, or bare). */
export type NtlmToken =
  /** NEGOTIATE: `reply` is the CHALLENGE to send back. */
  | { kind: 'negotiate'; message: Buffer; type: 1; reply: Buffer }
  /** AUTHENTICATE: what the attempt records. */
  | { kind: 'authenticate'; message: Buffer; type: 3; auth: NtlmAuthentication; fields: NtlmAttemptFields }
  /** Anything else: no NTLMSSP message, or one of another type. */
  | { kind: 'other'; message: Buffer | undefined; type: number | undefined }

export type NtlmAttemptFields = ReturnType<typeof ntlmAttemptFields>

/**
 * The server side of one NTLM handshake, as SMB, RDP (CredSSP) and MSSQL (SSPI) run it: one random
 * server challenge, sent in answer to the NEGOTIATE and recorded with the AUTHENTICATE it is answered by.
 */
export class NtlmServer {
  readonly challenge = randomBytes(8)

  constructor(private readonly identity: NtlmIdentity) {}

  read(bytes: Buffer | undefined): NtlmToken {
    const message = findNtlmMessage(bytes)
    const type = message ? messageType(message) : undefined
    if (message && type === 1)
      return { kind: 'negotiate', message, type, reply: buildChallenge(this.identity, this.challenge) }
    if (message && type === 3) {
      const auth = parseAuthenticate(message)
      return { kind: 'authenticate', message, type, auth, fields: this.fields(auth) }
    }
    return { kind: 'other', message, type }
  }

  /** The attempt's fields; without an AUTHENTICATE, only the challenge is known. */
  fields(auth?: NtlmAuthentication): NtlmAttemptFields {
    return ntlmAttemptFields(auth, this.challenge)
  }
}
