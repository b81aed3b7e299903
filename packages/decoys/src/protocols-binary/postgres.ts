import { randomBytes } from 'node:crypto'
import { personaBytes } from '@decnet/core/persona'
import type { Emulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import { framed } from './stream.ts'
import { textOf } from './text.ts'

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
const MAX_MESSAGE = 10_000

/**
 * What one PostgreSQL major reports in its pre-authentication errors. The source file and line of
 * the startup-packet check are what scanners read the version from (nmap's postgres probe keys on
 * them), so each major reports its own; `V` (non-localised severity) exists from 9.6 on.
 */
export type PostgresRelease = {
  major: number
  startupFile: string
  startupLine: string
  authLine: string
  /** `server supports 2.0 to 3.0`: protocol 2 was dropped in 14, protocol 1 in 11. */
  earliestProtocol: string
  nonLocalisedSeverity: boolean
  /** 14 and later default to SCRAM-SHA-256 in pg_hba.conf (Debian and upstream); earlier, MD5. */
  scram: boolean
}

const STARTUP_LINES: Record<number, string> = {
  9: '1755',
  10: '2099',
  11: '2050',
  12: '2119',
  13: '2133',
  14: '2138',
  15: '2194',
  16: '2156',
  17: '612',
}
const AUTH_LINES: Record<number, string> = {
  9: '302',
  10: '307',
  11: '333',
  12: '333',
  13: '348',
  14: '343',
  15: '323',
  16: '323',
  17: '331',
}

/** The release a persona's `postgres` product (or a configured `version`) stands for. */
export function postgresRelease(version: string): PostgresRelease {
  const [major = 15, minor = 0] = (/^(\d+)(?:\.(\d+))?/.exec(version) ?? []).slice(1).map(Number)
  const known = Math.min(17, Math.max(9, major))
  return {
    major,
    // 17 moved the startup-packet code out of the postmaster.
    startupFile: major >= 17 ? 'backend_startup.c' : 'postmaster.c',
    startupLine: STARTUP_LINES[known] ?? '2194',
    authLine: AUTH_LINES[known] ?? '323',
    earliestProtocol: major >= 14 ? '3.0' : major >= 11 ? '2.0' : '1.0',
    nonLocalisedSeverity: major >= 10 || (major === 9 && minor >= 6),
    scram: major >= 14,
  }
}

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

type Phase = 'startup' | 'password' | 'sasl-initial' | 'sasl-final' | 'done'

/**
 * PostgreSQL up to the end of authentication: SSLRequest is refused (`N`), the startup packet is
 * checked like the persona's release does, and the login is played along (MD5 before 14, SCRAM-SHA-256
 * from 14 on) so the response is captured, then refused with 28P01.
 */
export const postgresEmulator: Emulator = {
  slug: 'postgres',
  async start(ctx) {
    const release = postgresRelease(
      configString(ctx.config, 'version') ?? ctx.persona.services.postgres?.version ?? '15.10',
    )

    return tcpOnEveryPort(ctx, {
      handle(session) {
        let phase: Phase = 'startup'
        let user = ''
        let database = ''
        const salt = randomBytes(4)
        let scram: { clientFirstBare: string; serverFirst: string; salt: string } | undefined
        const fatal = (code: string, text: string, file: string, line: string, routine: string) =>
          session.end(
            errorResponse([
              ['S', 'FATAL'],
              ...(release.nonLocalisedSeverity ? ([['V', 'FATAL']] as [string, string][]) : []),
              ['C', code],
              ['M', text],
              ['F', file],
              ['L', line],
              ['R', routine],
            ]),
          )
        const startupFatal = (code: string, text: string) =>
          fatal(code, text, release.startupFile, release.startupLine, 'ProcessStartupPacket')
        const authFailed = () =>
          fatal(
            '28P01',
            `password authentication failed for user "${user}"`,
            'auth.c',
            release.authLine,
            'auth_failed',
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
                startupFatal(
                  '0A000',
                  `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: server supports ${release.earliestProtocol} to 3.0`,
                )
              } else if (!user) {
                phase = 'done'
                startupFatal('28000', 'no PostgreSQL user name specified in startup packet')
              } else if (release.scram) {
                phase = 'sasl-initial'
                session.write(message('R', Buffer.concat([int32(10), Buffer.from('SCRAM-SHA-256\0\0')])))
              } else {
                phase = 'password'
                session.write(message('R', Buffer.concat([int32(5), salt])))
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
            const body = buffered.subarray(5, length + 1)
            const isPassword = buffered[0] === 0x70
            if (phase === 'sasl-initial' && isPassword) {
              // SASLInitialResponse: mechanism, int32 length, client-first-message "n,,n=,r=<nonce>".
              const mechanismEnd = body.indexOf(0)
              const clientFirst = textOf(body.subarray(mechanismEnd + 5), 512)
              const clientFirstBare = clientFirst.split(',').slice(2).join(',')
              const clientNonce = /(?:^|,)r=([^,]*)/.exec(clientFirstBare)?.[1] ?? ''
              // A real server keeps one salt per role (a mock one, stable per name, for unknown roles).
              const userSalt = Buffer.from(
                personaBytes(ctx.persona, `postgres-scram-salt:${user}`, 16),
              ).toString('base64')
              const serverFirst = `r=${clientNonce}${randomBytes(18).toString('base64')},s=${userSalt},i=4096`
              scram = { clientFirstBare, serverFirst, salt: userSalt }
              phase = 'sasl-final'
              session.write(message('R', Buffer.concat([int32(11), Buffer.from(serverFirst)])))
              return length + 1
            }
            phase = 'done'
            if (scram && isPassword) {
              const clientFinal = textOf(body, 512)
              session.emit(
                'auth_attempt',
                {
                  username: user,
                  database,
                  hash: /(?:^|,)p=([^,]*)/.exec(clientFinal)?.[1] ?? '',
                  salt: scram.salt,
                  iterations: 4096,
                  auth_message: `${scram.clientFirstBare},${scram.serverFirst},${clientFinal.split(',p=')[0] ?? ''}`,
                  hash_format: 'postgres_scram_sha256',
                  success: false,
                },
                ['hash'],
              )
            } else {
              const response = textOf(body, 512).replace(/\0+$/, '')
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
            }
            authFailed()
            return length + 1
          },
          { maxBuffer: MAX_MESSAGE },
        )
      },
    })
  },
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4)
  buffer.writeUInt32BE(value)
  return buffer
}
