import { randomBytes } from 'node:crypto'
import type { ServiceProduct } from '@decnet/core'
import type { Emulator } from '../emulator.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import { framed } from './stream.ts'

const SECURITY_VNC_AUTH = 2

/** The RFB version line the persona's VNC server opens with (`RFB 005.000` for RealVNC 5+). */
export function rfbVersion(product: ServiceProduct | undefined): string {
  const banner = product?.banner ?? ''
  if (/^RFB \d{3}\.\d{3}$/.test(banner)) return banner
  return product?.product === 'realvnc' ? 'RFB 005.000' : 'RFB 003.008'
}

/**
 * RFB server up to the end of VNC authentication: version exchange, "VNC Authentication" as the only
 * security type, a fresh 16-byte challenge, capture of the DES response (crackable offline with the
 * challenge), then "Authentication failed".
 */
export const vncEmulator: Emulator = {
  slug: 'vnc',
  async start(ctx) {
    const version = rfbVersion(ctx.persona.services.vnc)
    return tcpOnEveryPort(ctx, {
      handle(session) {
        session.write(`${version}\n`)
        let phase: 'version' | 'security' | 'response' | 'done' = 'version'
        let minor = 8
        let clientVersion = ''
        const challenge = randomBytes(16)
        const sendChallenge = () => {
          phase = 'response'
          session.write(challenge)
        }
        return framed(session, (buffered) => {
          if (phase === 'done') return buffered.length
          if (phase === 'version') {
            if (buffered.length < 12) return 0
            clientVersion = buffered.subarray(0, 12).toString('latin1').trim()
            const match = /^RFB (\d{3})\.(\d{3})$/.exec(clientVersion)
            session.emit('request', { kind: 'version', client_version: clientVersion })
            if (!match) {
              session.socket.destroy()
              return 0
            }
            minor = Number(match[2])
            if (minor >= 7) {
              phase = 'security'
              session.write(Buffer.from([1, SECURITY_VNC_AUTH]))
            } else {
              // RFB 3.3: the server dictates the security type as a 32-bit value.
              session.write(Buffer.from([0, 0, 0, SECURITY_VNC_AUTH]))
              sendChallenge()
            }
            return 12
          }
          if (phase === 'security') {
            const chosen = buffered[0] as number
            if (chosen !== SECURITY_VNC_AUTH) {
              session.emit('request', { kind: 'security_type', security_type: chosen })
              const reason = Buffer.from('Authentication failure, unsupported security type')
              const header = Buffer.alloc(8)
              header.writeUInt32BE(1, 0)
              header.writeUInt32BE(reason.length, 4)
              phase = 'done'
              session.end(Buffer.concat([header, reason]))
              return 1
            }
            sendChallenge()
            return 1
          }
          if (buffered.length < 16) return 0
          phase = 'done'
          session.emit(
            'auth_attempt',
            {
              client_version: clientVersion,
              challenge: challenge.toString('hex'),
              hash: buffered.subarray(0, 16).toString('hex'),
              hash_format: 'vnc_des',
              success: false,
            },
            ['hash'],
          )
          const failed = Buffer.alloc(4)
          failed.writeUInt32BE(1)
          if (minor >= 8) {
            const reason = Buffer.from('Authentication failed')
            const length = Buffer.alloc(4)
            length.writeUInt32BE(reason.length)
            session.end(Buffer.concat([failed, length, reason]))
          } else {
            session.end(failed)
          }
          return 16
        })
      },
    })
  },
}
