import { randomBytes } from 'node:crypto'
import type { Emulator } from '../emulator.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import type { TcpSession } from '../framework/tcp.ts'
import { framed, MalformedFrame } from './stream.ts'
import { isDomainController, ntlmIdentity, personaKeyed, personaOf } from './windows-persona.ts'

/**
 * MS-RPC endpoint mapper (135/tcp), connection-oriented DCE/RPC (C706 ch. 12, MS-RPCE): BIND to the
 * EPM interface gets a bind_ack as Windows sends it, ept_lookup lists the endpoints a Windows host
 * registers (then "no more entries"), and bytes that are not DCE/RPC get the bind_nak (protocol version not
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

/** One registered endpoint: interface, version, annotation and where it listens (pipe or LRPC port). */
export type Endpoint = {
  uuid: string
  major: number
  minor: number
  annotation: string
  /** `ncacn_np` pipe (`\\PIPE\\lsass`) or `ncalrpc` port name. */
  transport: 'ncacn_np' | 'ncalrpc'
  endpoint: string
}

/**
 * Interfaces every Windows host registers, on named pipes and local RPC. (The dynamic
 * `ncacn_ip_tcp` ones are left out: their ports 49664+ are not open on the decky.)
 */
export function windowsEndpoints(domainController: boolean, lrpcId: string): Endpoint[] {
  const np = (uuid: string, major: number, minor: number, pipe: string, annotation = ''): Endpoint => ({
    uuid,
    major,
    minor,
    annotation,
    transport: 'ncacn_np',
    endpoint: pipe,
  })
  const lrpc = (uuid: string, major: number, minor: number, port: string, annotation = ''): Endpoint => ({
    uuid,
    major,
    minor,
    annotation,
    transport: 'ncalrpc',
    endpoint: port,
  })
  return [
    lrpc('d95afe70-a6d5-4259-822e-2c84da1ddb0d', 1, 0, 'WindowsShutdown'),
    np('d95afe70-a6d5-4259-822e-2c84da1ddb0d', 1, 0, '\\PIPE\\InitShutdown'),
    lrpc('76f226c3-ec14-4325-8a99-6a46348418af', 1, 0, `LRPC-${lrpcId}`),
    lrpc('f6beaff7-1e19-4fbb-9f8f-b89e2018337c', 1, 0, 'eventlog', 'Event log TCPIP'),
    np('f6beaff7-1e19-4fbb-9f8f-b89e2018337c', 1, 0, '\\pipe\\eventlog', 'Event log TCPIP'),
    lrpc(
      '3473dd4d-2e88-4006-9cba-22570909dd10',
      5,
      256,
      'LRPC-WinHttpAutoProxy',
      'WinHttp Auto-Proxy Service',
    ),
    lrpc('86d35949-83c9-4044-b424-db363231fd0c', 1, 0, 'ubpmtaskhostchannel'),
    np('86d35949-83c9-4044-b424-db363231fd0c', 1, 0, '\\PIPE\\atsvc'),
    np('12345778-1234-abcd-ef00-0123456789ac', 1, 0, '\\pipe\\lsass'),
    lrpc('12345778-1234-abcd-ef00-0123456789ac', 1, 0, 'samss lpc'),
    np('12345678-1234-abcd-ef00-0123456789ab', 1, 0, '\\PIPE\\spoolss'),
    lrpc('0b6edbfa-4a24-4fc6-8a23-942b1eca65d1', 1, 0, 'spoolss'),
    lrpc('367abb81-9844-35f1-ad32-98f038001003', 2, 0, `LRPC-${lrpcId.split('').reverse().join('')}`),
    lrpc('c9ac6db5-82b7-4e55-ae8a-e464ed7b4277', 1, 0, 'LRPC-SysMgmt', 'Impl friendly name'),
    ...(domainController
      ? [
          np('e3514235-4b06-11d1-ab04-00c04fc2dcd2', 4, 0, '\\pipe\\lsass', 'MS NT Directory DRS Interface'),
          lrpc('e3514235-4b06-11d1-ab04-00c04fc2dcd2', 4, 0, 'NTDS_LPC', 'MS NT Directory DRS Interface'),
          np('12345778-1234-abcd-ef00-0123456789ab', 0, 0, '\\pipe\\lsass'),
        ]
      : []),
  ]
}

function floor(lhs: Buffer, rhs: Buffer): Buffer {
  const out = Buffer.alloc(4 + lhs.length + rhs.length)
  out.writeUInt16LE(lhs.length, 0)
  lhs.copy(out, 2)
  out.writeUInt16LE(rhs.length, 2 + lhs.length)
  rhs.copy(out, 4 + lhs.length)
  return out
}

/** A protocol tower (C706 appendix L): interface, NDR, RPC protocol, then the transport's floors. */
export function tower(entry: Endpoint, host: string): Buffer {
  const version = (major: number) => Buffer.from([major & 0xff, major >> 8])
  const iface = floor(
    Buffer.concat([Buffer.from([0x0d]), uuidBytes(entry.uuid), version(entry.major)]),
    version(entry.minor),
  )
  const ndr = floor(Buffer.concat([Buffer.from([0x0d]), uuidBytes(NDR_UUID), version(2)]), version(0))
  const text = Buffer.from(`${entry.endpoint}\0`, 'latin1')
  const floors =
    entry.transport === 'ncacn_np'
      ? [
          floor(Buffer.from([0x0b]), version(0)),
          floor(Buffer.from([0x0f]), text),
          floor(Buffer.from([0x11]), Buffer.from(`\\\\${host}\0`, 'latin1')),
        ]
      : [floor(Buffer.from([0x0c]), version(0)), floor(Buffer.from([0x10]), text)]
  const count = Buffer.alloc(2)
  count.writeUInt16LE(2 + floors.length, 0)
  return Buffer.concat([count, iface, ndr, ...floors])
}

const pad4 = (length: number) => Buffer.alloc((4 - (length % 4)) % 4)

/**
 * ept_lookup (opnum 2): the registered endpoints in one batch (a null handle: nothing left); asked
 * with a continuation handle (or for ept_map, opnum 3, which needs a tower we do not serve), an
 * empty answer with EPT_S_NOT_REGISTERED, as an endpoint mapper gives when nothing (more) matches.
 */
export function eptResponse(
  opnum: number,
  contextId: number,
  callId: number,
  endpoints: Endpoint[],
  host: string,
  stubIn: Buffer,
): Buffer {
  const u32 = (value: number) => {
    const out = Buffer.alloc(4)
    out.writeUInt32LE(value >>> 0, 0)
    return out
  }
  // ept_lookup's request: inquiry_type, object (ptr), interface (ptr), vers_option, handle, max_ents.
  const firstCall =
    opnum === 2 && !stubIn.subarray(stubIn.length - 24, stubIn.length - 4).some((byte) => byte !== 0)
  const maxEntries = opnum === 2 && stubIn.length >= 4 ? stubIn.readUInt32LE(stubIn.length - 4) : 4
  const entries = firstCall ? endpoints.slice(0, Math.min(maxEntries, 500)) : []
  // A continuation handle only when entries are left over; all of them fit, so it stays null.
  const handle = Buffer.alloc(20)
  if (firstCall && endpoints.length > entries.length) randomBytes(16).copy(handle, 4)
  const parts: Buffer[] = [handle, u32(entries.length), u32(maxEntries), u32(0), u32(entries.length)]
  entries.forEach((entry, index) => {
    const annotation = Buffer.from(`${entry.annotation}\0`, 'latin1')
    parts.push(Buffer.alloc(16), u32(0x00020000 + index * 4), u32(0), u32(annotation.length), annotation)
    parts.push(pad4(annotation.length))
  })
  for (const entry of entries) {
    const octets = tower(entry, host)
    parts.push(u32(octets.length), u32(octets.length), octets, pad4(octets.length))
  }
  parts.push(u32(entries.length > 0 ? 0 : EPT_S_NOT_REGISTERED))
  const stub = Buffer.concat(parts)
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

function connection(session: TcpSession, endpoints: Endpoint[], host: string) {
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
      else if (opnum === 2 || opnum === 3)
        session.write(eptResponse(opnum, contextId, callId, endpoints, host, body.subarray(8)))
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
    const persona = personaOf(ctx)
    const identity = ntlmIdentity(persona, ctx.config)
    // Local RPC port names carry a per-boot random id (LRPC-0a3f…): per decky, never shared.
    const lrpcId = personaKeyed(persona, `msrpc:lrpc:${persona.bootTime}`, 9).toString('hex').slice(0, 18)
    const endpoints = windowsEndpoints(isDomainController(persona), lrpcId)
    return tcpOnEveryPort(ctx, {
      handle: (session) =>
        framed(session, connection(session, endpoints, identity.netbiosComputer), { maxBuffer: MAX_PDU }),
    })
  },
}
