import { randomBytes } from 'node:crypto'
import type { Emulator } from '../emulator.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import type { TcpSession } from '../framework/tcp.ts'
import { framed, MalformedFrame } from './stream.ts'

/**
 * MS-RPC endpoint mapper (135/tcp), connection-oriented DCE/RPC (C706 ch. 12, MS-RPCE): BIND to the
 * EPM interface gets a bind_ack as Windows sends it, ept_lookup / ept_map get a well-formed
 * "no more entries" answer, and bytes that are not DCE/RPC get the bind_nak (protocol version not
 * supported) Windows answers with — which is what `nmap -sV` recognises as `Microsoft Windows RPC`.
 */

const PTYPE_REQUEST = 0
const PTYPE_RESPONSE = 2
const PTYPE_FAULT = 3
const PTYPE_BIND = 11
const PTYPE_BIND_ACK = 12
const PTYPE_BIND_NAK = 13
const PTYPE_ALTER_CONTEXT = 14
const PTYPE_ALTER_CONTEXT_RESP = 15
const PFC_FIRST_LAST = 0x03
const MAX_FRAGMENT = 5840
const MAX_PDU = 64 * 1024

const EPM_UUID = 'e1af8308-5d1f-11c9-91a4-08002b14a0fa'
const NDR_UUID = '8a885d04-1ceb-11c9-9fe8-08002b104860'
const NDR64_UUID = '71710533-beba-4937-8319-b5dbef9ccc36'
/** Bind-time feature negotiation (MS-RPCE 3.3.1.5.3): the UUID's first 8 bytes, any bitmask after. */
const BTFN_PREFIX = '6cb71c2c-9812-4540'

const EPT_S_NOT_REGISTERED = 0x16c9a0d6
const NCA_S_OP_RNG_ERROR = 0x1c010002
const NCA_S_UNKNOWN_IF = 0x1c010003

/** A DCE/RPC UUID in its wire form (first three fields little-endian). */
export function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '')
  const raw = Buffer.from(hex, 'hex')
  const out = Buffer.from(raw)
  out.writeUInt32LE(raw.readUInt32BE(0), 0)
  out.writeUInt16LE(raw.readUInt16BE(4), 4)
  out.writeUInt16LE(raw.readUInt16BE(6), 6)
  return out
}

export function uuidString(bytes: Buffer): string {
  const out = Buffer.from(bytes.subarray(0, 16))
  out.writeUInt32BE(bytes.readUInt32LE(0), 0)
  out.writeUInt16BE(bytes.readUInt16LE(4), 4)
  out.writeUInt16BE(bytes.readUInt16LE(6), 6)
  const hex = out.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

function pdu(type: number, callId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(16)
  header[0] = 5
  header[1] = 0
  header[2] = type
  header[3] = PFC_FIRST_LAST
  header[4] = 0x10 // little-endian integers, ASCII, IEEE floats
  header.writeUInt16LE(16 + body.length, 8)
  header.writeUInt32LE(callId, 12)
  return Buffer.concat([header, body])
}

/** What Windows answers to bytes that do not start a DCE/RPC 5.0 PDU: bind_nak, reason 4, versions [5.0]. */
export function bindNak(callId: number): Buffer {
  return pdu(PTYPE_BIND_NAK, callId, Buffer.from([4, 0, 1, 5, 0, 0, 0, 0]))
}

type PresentationContext = { id: number; abstract: string; abstractVersion: number; transfers: string[] }

function parseContexts(body: Buffer): PresentationContext[] {
  const contexts: PresentationContext[] = []
  if (body.length < 12) return contexts
  const count = Math.min(body[8] as number, 16)
  let at = 12
  for (let i = 0; i < count && at + 24 <= body.length; i++) {
    const id = body.readUInt16LE(at)
    const transferCount = body[at + 2] as number
    const abstract = uuidString(body.subarray(at + 4, at + 20))
    const abstractVersion = body.readUInt16LE(at + 20)
    const transfers: string[] = []
    at += 24
    for (let t = 0; t < transferCount && at + 20 <= body.length; t++, at += 20)
      transfers.push(uuidString(body.subarray(at, at + 16)))
    contexts.push({ id, abstract, abstractVersion, transfers })
  }
  return contexts
}

/**
 * bind_ack / alter_context_resp: EPM v3 over NDR is accepted (NDR64 when only that is offered),
 * a bind-time feature negotiation context gets its negotiate_ack, anything else is refused with
 * abstract (1) or transfer (2) syntax not supported.
 */
export function bindAck(
  type: typeof PTYPE_BIND_ACK | typeof PTYPE_ALTER_CONTEXT_RESP,
  callId: number,
  assocGroup: number,
  contexts: PresentationContext[],
): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt16LE(MAX_FRAGMENT, 0)
  head.writeUInt16LE(MAX_FRAGMENT, 2)
  head.writeUInt32LE(assocGroup, 4)
  // Secondary address: the port the client is bound to; alter_context_resp carries an empty one.
  const port = type === PTYPE_BIND_ACK ? Buffer.from('135\0', 'latin1') : Buffer.alloc(0)
  const secondary = Buffer.alloc(2)
  secondary.writeUInt16LE(port.length, 0)
  const unpadded = 8 + 2 + port.length
  const pad = Buffer.alloc((4 - (unpadded % 4)) % 4)
  const results: Buffer[] = []
  let accepted = false
  for (const context of contexts) {
    const result = Buffer.alloc(24)
    if (context.transfers.some((transfer) => transfer.startsWith(BTFN_PREFIX))) {
      result.writeUInt16LE(3, 0) // negotiate_ack
      result.writeUInt16LE(0x0003, 2) // security context multiplexing, keep connection on orphan
    } else if (context.abstract !== EPM_UUID || context.abstractVersion !== 3) {
      result.writeUInt16LE(2, 0)
      result.writeUInt16LE(1, 2) // abstract syntax not supported
    } else {
      const transfer = context.transfers.includes(NDR_UUID)
        ? NDR_UUID
        : context.transfers.includes(NDR64_UUID)
          ? NDR64_UUID
          : undefined
      if (transfer === undefined || accepted) {
        result.writeUInt16LE(2, 0)
        result.writeUInt16LE(2, 2) // proposed transfer syntaxes not supported
      } else {
        accepted = true
        uuidBytes(transfer).copy(result, 4)
        result.writeUInt32LE(transfer === NDR_UUID ? 2 : 1, 20)
      }
    }
    results.push(result)
  }
  const list = Buffer.from([results.length, 0, 0, 0])
  return pdu(type, callId, Buffer.concat([head, secondary, port, pad, list, ...results]))
}

/**
 * ept_lookup (opnum 2) and ept_map (opnum 3) answered with an empty result and
 * EPT_S_NOT_REGISTERED, the status an endpoint mapper gives when nothing (more) matches.
 */
export function eptResponse(opnum: number, contextId: number, callId: number): Buffer {
  // Both: a 20-byte context handle, a count of 0, an empty conformant-varying array, the status.
  const handle = Buffer.alloc(20)
  const count = Buffer.alloc(4)
  const maxCount = Buffer.alloc(4)
  maxCount.writeUInt32LE(opnum === 2 ? 500 : 4, 0)
  const array = Buffer.concat([maxCount, Buffer.alloc(8)])
  const status = Buffer.alloc(4)
  status.writeUInt32LE(EPT_S_NOT_REGISTERED, 0)
  const stub = Buffer.concat([handle, count, array, status])
  const head = Buffer.alloc(8)
  head.writeUInt32LE(stub.length, 0)
  head.writeUInt16LE(contextId, 4)
  return pdu(PTYPE_RESPONSE, callId, Buffer.concat([head, stub]))
}

function fault(callId: number, contextId: number, status: number): Buffer {
  const body = Buffer.alloc(16)
  body.writeUInt32LE(16, 0)
  body.writeUInt16LE(contextId, 4)
  body.writeUInt32LE(status, 8)
  return pdu(PTYPE_FAULT, callId, body)
}

function connection(session: TcpSession) {
  const assocGroup = randomBytes(2).readUInt16LE(0) + 0x1000
  let bound = false
  return (buffered: Buffer): number => {
    if (buffered.length < 16) return 0
    if (buffered[0] !== 5 || (buffered[1] as number) > 1) {
      session.emit('scan', { kind: 'not_dcerpc', bytes: buffered.length })
      session.end(bindNak(buffered.readUInt32LE(12)))
      return buffered.length
    }
    const length = buffered.readUInt16LE(8)
    if (length < 16 || length > MAX_PDU) throw new MalformedFrame('bad fragment length')
    if (buffered.length < length) return 0
    const type = buffered[2] as number
    const callId = buffered.readUInt32LE(12)
    const body = buffered.subarray(16, length)
    if (type === PTYPE_BIND || type === PTYPE_ALTER_CONTEXT) {
      const contexts = parseContexts(body)
      session.emit('request', {
        command: type === PTYPE_BIND ? 'bind' : 'alter_context',
        interfaces: contexts.map((context) => `${context.abstract} v${context.abstractVersion}`).join(','),
      })
      bound = true
      session.write(
        bindAck(
          type === PTYPE_BIND ? PTYPE_BIND_ACK : PTYPE_ALTER_CONTEXT_RESP,
          callId,
          assocGroup,
          contexts,
        ),
      )
    } else if (type === PTYPE_REQUEST && body.length >= 8) {
      const contextId = body.readUInt16LE(4)
      const opnum = body.readUInt16LE(6)
      session.emit('request', {
        command: opnum === 2 ? 'ept_lookup' : opnum === 3 ? 'ept_map' : `opnum_${opnum}`,
      })
      if (!bound) session.write(fault(callId, contextId, NCA_S_UNKNOWN_IF))
      else if (opnum === 2 || opnum === 3) session.write(eptResponse(opnum, contextId, callId))
      else session.write(fault(callId, contextId, NCA_S_OP_RNG_ERROR))
    } else {
      session.emit('request', { command: `ptype_${type}` })
      session.socket.destroy()
    }
    return length
  }
}

export const msrpcEmulator: Emulator = {
  slug: 'msrpc',
  defaultPorts: [135],
  async start(ctx) {
    return tcpOnEveryPort(ctx, {
      handle: (session) => framed(session, connection(session), { maxBuffer: MAX_PDU }),
    })
  },
}
