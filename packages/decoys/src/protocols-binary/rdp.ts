import type { Socket } from 'node:net'
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls'
import type { Emulator } from '../emulator.ts'
import { clientHelloFields } from '../fingerprints/fields.ts'
import { peekClientHello } from '../fingerprints/tls-tap.ts'
import { configBool } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import type { TcpSession } from '../framework/tcp.ts'
import { tlsOptionsFor } from '../framework/tls.ts'
import { berFrameLength } from './ber.ts'
import { parseTsRequest, tsRequestWithError, tsRequestWithToken } from './credssp.ts'
import { STATUS_LOGON_FAILURE } from './nt-status.ts'
import { type NtlmIdentity, NtlmServer } from './ntlmssp.ts'
import { framed, MalformedFrame } from './stream.ts'
import { textOf } from './text.ts'
import { ntlmIdentity, personaOf } from './windows-persona.ts'

const PROTOCOL_RDP = 0
const PROTOCOL_SSL = 1
const PROTOCOL_HYBRID = 2
const PROTOCOL_HYBRID_EX = 8
const HYBRID_REQUIRED_BY_SERVER = 5
/** Windows always confirms with source reference 0x1234; scanners match on exactly these bytes. */
const SOURCE_REFERENCE = 0x1234
const MAX_TPKT = 8 * 1024
const MAX_TS_REQUEST = 16 * 1024
/** How long a client that chose TLS may take to send its ClientHello. */
const HANDSHAKE_TIMEOUT_MS = 10_000

const PROTOCOL_NAMES: [number, string][] = [
  [1, 'ssl'],
  [2, 'hybrid'],
  [4, 'rdstls'],
  [8, 'hybrid_ex'],
]

function protocolList(mask: number): string {
  const names = PROTOCOL_NAMES.filter(([bit]) => mask & bit).map(([, name]) => name)
  return ['rdp', ...names].join(',')
}

type ConnectionRequest = { cookie?: string; requested?: number }

/** The variable part of an X.224 Connection Request: optional cookie line, optional RDP_NEG_REQ. */
function parseConnectionRequest(tpdu: Buffer): ConnectionRequest {
  const request: ConnectionRequest = {}
  let rest = tpdu
  if (rest.subarray(0, 8).toString('latin1') === 'Cookie: ') {
    const end = rest.indexOf('\r\n')
    if (end === -1) throw new MalformedFrame('cookie without CRLF')
    request.cookie = textOf(rest.subarray(8, end), 256, 'latin1')
    rest = rest.subarray(end + 2)
  }
  if (rest.length >= 8 && rest[0] === 0x01) request.requested = rest.readUInt32LE(4)
  return request
}

/**
 * Client core data (TS_UD_CS_CORE, type 0xC001) from the MCS Connect Initial: the client's
 * computer name, build and keyboard layout, which identify the attacker's machine.
 */
function clientCoreFields(data: Buffer): Record<string, string | number> | undefined {
  for (
    let at = data.indexOf(Buffer.from([0x01, 0xc0]));
    at !== -1;
    at = data.indexOf(Buffer.from([0x01, 0xc0]), at + 1)
  ) {
    if (at + 56 > data.length) return undefined
    const length = data.readUInt16LE(at + 2)
    if (length < 56 || at + length > data.length) continue
    return {
      client_name: data
        .subarray(at + 24, at + 56)
        .toString('utf16le')
        .replace(/\0.*$/s, ''),
      client_build: data.readUInt32LE(at + 20),
      keyboard_layout: `0x${data
        .readUInt32LE(at + 16)
        .toString(16)
        .padStart(8, '0')}`,
      desktop: `${data.readUInt16LE(at + 8)}x${data.readUInt16LE(at + 10)}`,
    }
  }
  return undefined
}

/** NLA: NTLM over CredSSP inside TLS. The challenge comes from the decky's Windows identity. */
function credsspHandler(
  session: TcpSession,
  tls: TLSSocket,
  identity: NtlmIdentity,
): (chunk: Buffer) => void {
  const ntlm = new NtlmServer(identity)
  let buffered: Buffer = Buffer.alloc(0)
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk])
    try {
      const length = berFrameLength(buffered)
      if (length === undefined || buffered.length < length) {
        if (buffered.length > MAX_TS_REQUEST || (length ?? 0) > MAX_TS_REQUEST) tls.destroy()
        return
      }
      const request = parseTsRequest(buffered.subarray(0, length))
      buffered = buffered.subarray(length)
      const token = request.negoToken
      const read = ntlm.read(token)
      const version = Math.min(Math.max(request.version, 2), 6)
      if (read.kind === 'negotiate') {
        tls.write(tsRequestWithToken(version, read.reply))
      } else if (read.kind === 'authenticate') {
        session.emit('auth_attempt', { kind: 'credssp', ...read.fields, success: false }, ['hash'])
        if (version >= 3) tls.end(tsRequestWithError(version, STATUS_LOGON_FAILURE))
        else tls.destroy()
      } else {
        session.emit('request', {
          kind: 'credssp',
          version: request.version,
          token_bytes: token?.length ?? 0,
        })
        tls.destroy()
      }
    } catch {
      tls.destroy()
    }
  }
}

/** After TLS without NLA (or plain RDP security) the client's first PDU is the MCS Connect Initial. */
function logFirstPdu(session: TcpSession, close: () => void): (chunk: Buffer) => void {
  let logged = false
  return (chunk) => {
    if (logged) return
    logged = true
    const core = clientCoreFields(chunk.subarray(0, MAX_TPKT))
    session.emit('request', { kind: 'mcs_connect_initial', bytes: chunk.length, ...core })
    close()
  }
}

/**
 * RDP front door. The X.224 Connection Request gives the `mstshash` cookie (the user name) and the
 * requested security protocols; the confirm picks TLS, or CredSSP when config `nla` is on. Over
 * TLS (the versions of the persona's build; the RDP service's own self-signed
 * certificate, CN = FQDN, six months) NLA runs NTLM far enough to capture the
 * Net-NTLM response, then fails the logon; without NLA the client's computer name and build are
 * read from its MCS Connect Initial and the connection is dropped.
 */
export const rdpEmulator: Emulator = {
  slug: 'rdp',
  async start(ctx) {
    const persona = personaOf(ctx)
    // Windows requires NLA by default (since 2012 / 8); `nla = false` in config turns it off.
    const nla = configBool(ctx.config, 'nla') ?? true
    const identity = ntlmIdentity(persona, ctx.config)
    // All negotiation flags since Windows 10 / Server 2016; no RESTRICTED_ADMIN/REDIRECTED_AUTH before.
    const responseFlags = identity.version.major >= 10 ? 0x1f : 0x07
    // Self-signed, CN = the FQDN a domain member registers (a workgroup machine: its own name),
    // renewed every six months; SChannel's versions and cipher order of the build.
    const secureContext: SecureContext = createSecureContext(
      await tlsOptionsFor(persona, 'rdp', { commonName: identity.dnsComputer }),
    )

    /** Reads and fingerprints the ClientHello on the raw socket, then hands the socket to TLS. */
    const upgrade = async (session: TcpSession, selected: number) => {
      const peeked = await peekClientHello(session.socket as Socket, HANDSHAKE_TIMEOUT_MS)
      if (peeked.hello) session.emit('tls_client_hello', clientHelloFields(peeked.hello))
      if (peeked.timedOut || peeked.hungUp) session.socket.destroy()
      if (session.socket.destroyed) return
      const tls = new TLSSocket(session.socket as Socket, { isServer: true, secureContext })
      tls.on('error', () => session.socket.destroy())
      tls.on('close', () => session.socket.destroy())
      tls.on(
        'data',
        selected === PROTOCOL_HYBRID
          ? credsspHandler(session, tls, identity)
          : logFirstPdu(session, () => tls.destroy()),
      )
    }

    return tcpOnEveryPort(ctx, {
      handle(session) {
        let confirmed = false
        // Once TLS is chosen the socket's bytes belong to the TLS layer (read by `upgrade`).
        let upgraded = false
        const afterConfirm = logFirstPdu(session, () => session.socket.destroy())
        return framed(
          session,
          (buffered) => {
            if (upgraded) return buffered.length
            if (confirmed) {
              afterConfirm(buffered)
              return buffered.length
            }
            if (buffered.length < 4) return 0
            if (buffered[0] !== 0x03) throw new MalformedFrame('not TPKT')
            const length = buffered.readUInt16BE(2)
            if (length < 11 || length > MAX_TPKT) throw new MalformedFrame('bad TPKT length')
            if (buffered.length < length) return 0
            if (((buffered[5] as number) & 0xf0) !== 0xe0)
              throw new MalformedFrame('not an X.224 connection request')
            const request = parseConnectionRequest(buffered.subarray(11, length))
            const fields: Record<string, string | number> = {}
            const user = request.cookie?.startsWith('mstshash=') ? request.cookie.slice(9) : undefined
            if (user !== undefined) fields.username = user
            if (request.cookie !== undefined) fields.cookie = request.cookie
            if (request.requested !== undefined) {
              fields.requested_protocols = protocolList(request.requested)
              fields.requested_protocols_mask = request.requested
            }
            // The mstshash cookie names the account the client is about to log in with.
            if (user !== undefined)
              session.emit('auth_attempt', { kind: 'x224_connect', ...fields, success: false })
            else session.emit('request', { kind: 'x224_connect', ...fields })

            const requested = request.requested ?? PROTOCOL_RDP
            let selected: number | undefined = PROTOCOL_RDP
            let negotiation: Buffer | undefined
            if (request.requested !== undefined) {
              negotiation = Buffer.alloc(8)
              negotiation.writeUInt16LE(8, 2)
              if (nla && !(requested & (PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX))) {
                negotiation[0] = 0x03
                negotiation.writeUInt32LE(HYBRID_REQUIRED_BY_SERVER, 4)
                selected = undefined
              } else {
                negotiation[0] = 0x02
                negotiation[1] = responseFlags
                selected = nla ? PROTOCOL_HYBRID : requested & PROTOCOL_SSL ? PROTOCOL_SSL : PROTOCOL_RDP
                negotiation.writeUInt32LE(selected, 4)
              }
            }
            const x224 = Buffer.from([0, 0xd0, 0, 0, SOURCE_REFERENCE >> 8, SOURCE_REFERENCE & 0xff, 0])
            const body = negotiation ? Buffer.concat([x224, negotiation]) : x224
            body[0] = body.length - 1
            const tpkt = Buffer.from([0x03, 0, 0, 0])
            tpkt.writeUInt16BE(body.length + 4, 2)
            if (selected === undefined) {
              session.end(Buffer.concat([tpkt, body]))
            } else {
              session.write(Buffer.concat([tpkt, body]))
              // The TLS handshake follows on the same socket.
              if (selected !== PROTOCOL_RDP) {
                upgraded = true
                void upgrade(session, selected)
              }
            }
            confirmed = true
            return length
          },
          { maxBuffer: MAX_TPKT },
        )
      },
    })
  },
}
