import { randomBytes } from 'node:crypto'
import type { Emulator } from '../emulator.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import { seededRandom } from '../framework/random.ts'
import { framed } from './stream.ts'
import { textOf } from './text.ts'

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
const MAX_MESSAGE = 10_000

/** Line numbers of the "auth failed" report differ per PostgreSQL release; a decky keeps one. */
const AUTH_FAILED_LINES = ['323', '326', '333', '338', '343']

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5)
  header.write(type, 0, 'latin1')
  header.writeUInt32BE(body.length + 4, 1)
  return Buffer.concat([header, body])
}

function errorResponse(fields: [string, string][]): Buffer {
  const parts = fields.map(([code, value]) => Buffer.from(`${code}${value}\0`, 'utf8'))
  return message('E', Buffer.concat([...parts, Buffer.from([0])]))
}

function parseStartupParameters(body: Buffer): Record<string, string> {
  const parameters: Record<string, string> = {}
  const strings = body.toString('utf8').split('\0')
  for (let i = 0; i + 1 < strings.length && i < 64; i += 2) {
    const key = strings[i]
    if (!key) break
    parameters[key.slice(0, 64)] = (strings[i + 1] ?? '').slice(0, 256)
  }
  return parameters
}

export const postgresEmulator: Emulator = {
  slug: 'postgres',
  async start(ctx) {
    const line = seededRandom(ctx.seed).fork('postgres').pick(AUTH_FAILED_LINES)

    return tcpOnEveryPort(ctx, {
      handle(session) {
        let phase: 'startup' | 'password' | 'done' = 'startup'
        let user = ''
        let database = ''
        const salt = randomBytes(4)
        const fatal = (code: string, text: string, routine: string) =>
          session.end(
            errorResponse([
              ['S', 'FATAL'],
              ['V', 'FATAL'],
              ['C', code],
              ['M', text],
              ['F', 'auth.c'],
              ['L', line],
              ['R', routine],
            ]),
          )
        return framed(
          session,
          (buffered) => {
            if (phase === 'done') return buffered.length
            if (phase === 'startup') {
              if (buffered.length < 8) return 0
              const length = buffered.readUInt32BE(0)
              if (length < 8 || length > MAX_MESSAGE) {
                session.socket.destroy()
                return 0
              }
              if (buffered.length < length) return 0
              const code = buffered.readUInt32BE(4)
              if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
                session.emit('request', { kind: code === SSL_REQUEST ? 'ssl_request' : 'gssenc_request' })
                session.write(Buffer.from('N'))
                return length
              }
              if (code === CANCEL_REQUEST) {
                session.end()
                phase = 'done'
                return length
              }
              const parameters = parseStartupParameters(buffered.subarray(8, length))
              user = parameters.user ?? ''
              database = parameters.database ?? user
              const fields: Record<string, string> = {
                username: user,
                database,
                protocol: `${code >>> 16}.${code & 0xffff}`,
              }
              if (parameters.application_name) fields.application_name = parameters.application_name
              session.emit('request', { kind: 'startup', ...fields })
              if (code >>> 16 !== 3) {
                phase = 'done'
                fatal(
                  '0A000',
                  `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: server supports 3.0 to 3.0`,
                  'ProcessStartupPacket',
                )
              } else if (!user) {
                phase = 'done'
                fatal('28000', 'no PostgreSQL user name specified in startup packet', 'ProcessStartupPacket')
              } else {
                phase = 'password'
                const body = Buffer.alloc(8)
                body.writeUInt32BE(5, 0)
                salt.copy(body, 4)
                session.write(message('R', body))
              }
              return length
            }
            if (buffered.length < 5) return 0
            const length = buffered.readUInt32BE(1)
            if (length < 4 || length > MAX_MESSAGE) {
              session.socket.destroy()
              return 0
            }
            if (buffered.length < length + 1) return 0
            phase = 'done'
            const response = textOf(buffered.subarray(5, length + 1), 512).replace(/\0+$/, '')
            const isPassword = buffered[0] === 0x70
            session.emit(
              'auth_attempt',
              {
                username: user,
                database,
                salt: salt.toString('hex'),
                hash: isPassword ? response : '',
                hash_format: 'postgres_md5',
                success: false,
              },
              isPassword ? ['hash'] : [],
            )
            fatal('28P01', `password authentication failed for user "${user}"`, 'auth_failed')
            return length + 1
          },
          { maxBuffer: MAX_MESSAGE },
        )
      },
    })
  },
}
