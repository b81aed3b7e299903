import type { Emulator } from '../emulator.ts'
import { configBool } from '../framework/config.ts'
import { seededRandom } from '../framework/random.ts'
import { tcpOnEveryPort } from './listeners.ts'
import { framed, MalformedFrame } from './stream.ts'
import { textOf } from './text.ts'

const PROTOCOL_RDP = 0
const PROTOCOL_SSL = 1
const PROTOCOL_HYBRID = 2
const PROTOCOL_HYBRID_EX = 8
const HYBRID_REQUIRED_BY_SERVER = 5
const MAX_TPKT = 8 * 1024

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

type ConnectionRequest = { cookie?: string; requested?: number; negFlags?: number }

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
  if (rest.length >= 8 && rest[0] === 0x01) {
    request.negFlags = rest[1] as number
    request.requested = rest.readUInt32LE(4)
  }
  return request
}

/** RDP front door: X.224 connection request → cookie and requested protocols captured → confirm. */
export const rdpEmulator: Emulator = {
  slug: 'rdp',
  async start(ctx) {
    const random = seededRandom(ctx.seed).fork('rdp')
    const nla = configBool(ctx.config, 'nla') ?? false
    const responseFlags = random.pick([0x1f, 0x0f, 0x1f, 0x0b])
    const sourceReference = random.int(0x1000, 0xfffe)

    return tcpOnEveryPort(ctx, {
      handle(session) {
        let confirmed = false
        return framed(
          session,
          (buffered) => {
            if (confirmed) {
              // Whatever follows (TLS ClientHello, MCS Connect Initial) is logged once; we stop here.
              session.emit('request', {
                kind: 'post_negotiation',
                tls_client_hello: buffered[0] === 0x16,
                first_bytes: buffered.subarray(0, 32).toString('hex'),
              })
              session.socket.destroy()
              return buffered.length
            }
            if (buffered.length < 4) return 0
            if (buffered[0] !== 0x03) throw new MalformedFrame('not TPKT')
            const length = buffered.readUInt16BE(2)
            if (length < 11 || length > MAX_TPKT) throw new MalformedFrame('bad TPKT length')
            if (buffered.length < length) return 0
            const code = (buffered[5] as number) & 0xf0
            if (code !== 0xe0) throw new MalformedFrame('not an X.224 connection request')
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
            let negotiation: Buffer | undefined
            if (request.requested !== undefined) {
              negotiation = Buffer.alloc(8)
              negotiation.writeUInt16LE(8, 2)
              if (nla && !(requested & (PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX))) {
                negotiation[0] = 0x03
                negotiation.writeUInt32LE(HYBRID_REQUIRED_BY_SERVER, 4)
              } else {
                negotiation[0] = 0x02
                negotiation[1] = responseFlags
                const selected = nla
                  ? PROTOCOL_HYBRID
                  : requested & PROTOCOL_SSL
                    ? PROTOCOL_SSL
                    : PROTOCOL_RDP
                negotiation.writeUInt32LE(selected, 4)
              }
            }
            const x224 = Buffer.from([0, 0xd0, 0, 0, sourceReference >> 8, sourceReference & 0xff, 0])
            const body = negotiation ? Buffer.concat([x224, negotiation]) : x224
            body[0] = body.length - 1
            const tpkt = Buffer.from([0x03, 0, 0, 0])
            tpkt.writeUInt16BE(body.length + 4, 2)
            session.write(Buffer.concat([tpkt, body]))
            confirmed = true
            return length
          },
          { maxBuffer: MAX_TPKT },
        )
      },
    })
  },
}
