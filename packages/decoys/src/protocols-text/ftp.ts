import { createHash } from 'node:crypto'
import { createServer, type Server, type Socket } from 'node:net'
import { posix } from 'node:path'
import { type FileDrop, FTP_ROOT } from '@decnet/core/schemas'
import type { Emulator, EmulatorContext, RunningEmulator } from '../emulator.ts'
import { startUpload } from '../framework/artifact-gateway.ts'
import { configString } from '../framework/config.ts'
import { peerAddress } from '../framework/events.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import type { TcpSession } from '../framework/tcp.ts'
import { fqdnOf } from './fqdn.ts'
import { FTP_PRODUCTS, type FtpDialect, type FtpFile, type FtpProduct, ftpDialect } from './ftp-dialects.ts'
import { type Persona, personaFor } from './shell/persona.ts'

/** Uploads are hashed and counted, but at most this much is read before the data channel is cut. */
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024
/** A passive data port nobody connects to is closed after this long. */
const DATA_ACCEPT_TIMEOUT_MS = 15_000

type BaitFile = FtpFile & { content: string }

/** Versions announced when the persona names the product without one. */
const FALLBACK_VERSION: Record<FtpProduct, string> = {
  vsftpd: '3.0.3',
  proftpd: '1.3.8',
  'pure-ftpd': '1.0.50',
  'microsoft-ftp': '10.0',
  'embedded-ftp': '1.0',
}

export const ftpEmulator: Emulator = {
  slug: 'ftp',
  defaultPorts: [21],
  async start(ctx: EmulatorContext): Promise<RunningEmulator> {
    const persona = personaFor(ctx)
    const identity = ctx.persona
    const service = identity.services.ftp
    const product: FtpProduct = (FTP_PRODUCTS as readonly string[]).includes(service?.product ?? '')
      ? (service?.product as FtpProduct)
      : identity.os.id === 'windows'
        ? 'microsoft-ftp'
        : 'vsftpd'
    const dialect = ftpDialect({
      product,
      version: service?.product === product && service.version ? service.version : FALLBACK_VERSION[product],
      hostname: fqdnOf(identity),
      timezone: identity.timezone,
      os: identity.os,
      banner: service?.product === product ? service.banner : undefined,
    })
    const banner = configString(ctx.config, 'banner')
    const files = withDrops(baitFiles(persona, identity.bootTime * 1000), ctx.fileDrops ?? [])
    return tcpOnEveryPort(ctx, {
      handle: (session) =>
        ftpSession(ctx, session, banner ? { ...dialect, greeting: () => `220 ${banner}` } : dialect, files),
    })
  },
}

/**
 * Bait files with modification times fixed per decky (before its boot time), so a listing never
 * shifts between connections.
 */
function baitFiles(persona: Persona, bootMs: number): BaitFile[] {
  const random = persona.random.fork('ftp-files')
  const before = (minDays: number, maxDays: number) =>
    bootMs - random.int(minDays * 86_400, maxDays * 86_400) * 1000
  const user = persona.humanUsers[1] ?? 'backup'
  const file = (name: string, content: string, modifiedMs: number): BaitFile => ({
    name,
    content,
    size: Buffer.byteLength(content, 'latin1'),
    modifiedMs,
  })
  return [
    file(
      `backup-${random.int(2023, 2025)}${String(random.int(1, 12)).padStart(2, '0')}.tar.gz`,
      random.bytes(2048).toString('latin1'),
      before(1, 30),
    ),
    file(
      'db_credentials.txt',
      `# prod database\nhost=10.${random.int(0, 40)}.${random.int(0, 254)}.${random.int(2, 254)}\nuser=${user}\npassword=${random.pick(['Backup', 'Prod', 'Corp'])}${random.int(100, 999)}!\n`,
      before(20, 300),
    ),
    file(
      'users.csv',
      `id,name,email\n1,${persona.humanUsers[0]},${persona.humanUsers[0]}@${persona.hostname.toLowerCase()}.local\n`,
      before(10, 200),
    ),
    file(
      'deploy.sh',
      `#!/bin/sh\nrsync -az ./dist/ ${user}@${persona.hostname.toLowerCase()}:/var/www/\n`,
      before(5, 120),
    ),
  ]
}

/** The admin's drops directly in the FTP root join the listing, replacing a bait file of the same name. */
function withDrops(files: BaitFile[], drops: FileDrop[]): BaitFile[] {
  const dropped = drops
    .filter((drop) => posix.dirname(drop.path) === FTP_ROOT)
    .map((drop): BaitFile => {
      // The session sends `content` as latin1: one char per byte of the UTF-8 text.
      const content = Buffer.from(drop.content, 'utf8').toString('latin1')
      return {
        name: posix.basename(drop.path),
        content,
        size: content.length,
        modifiedMs: Date.parse(drop.modifiedAt),
      }
    })
  const names = new Set(dropped.map((file) => file.name))
  return [...files.filter((file) => !names.has(file.name)), ...dropped]
}

function ftpSession(ctx: EmulatorContext, session: TcpSession, dialect: FtpDialect, files: BaitFile[]) {
  let user = ''
  let loggedIn = false
  let cwd = '/'
  let passive: Server | undefined
  let pendingData: Promise<Socket | undefined> | undefined
  const reply = (text: string) => session.write(`${text}\r\n`)

  const closePassive = () => {
    passive?.close()
    passive = undefined
  }

  /** Opens a passive data port on the address the client reached us at. */
  const openPassive = async (): Promise<number> => {
    closePassive()
    const server = createServer()
    server.maxConnections = 1
    passive = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, session.socket.localAddress ?? ctx.bindAddress, () => resolve())
    })
    pendingData = new Promise((resolve) => {
      const timer = setTimeout(() => {
        server.close()
        resolve(undefined)
      }, DATA_ACCEPT_TIMEOUT_MS)
      server.once('connection', (socket) => {
        clearTimeout(timer)
        socket.on('error', () => undefined)
        // Only the control connection's peer may use the data port.
        if (peerAddress(socket.remoteAddress) !== session.ip) {
          socket.destroy()
          resolve(undefined)
        } else resolve(socket)
        server.close()
      })
    })
    const address = server.address()
    return typeof address === 'object' && address ? address.port : 0
  }

  const withData = async (work: (socket: Socket) => Promise<void> | void) => {
    const waiting = pendingData
    pendingData = undefined
    const socket = waiting ? await waiting : undefined
    if (!socket) {
      reply(dialect.needDataConnection)
      return
    }
    await work(socket)
  }
  const anonymous = () => ['anonymous', 'ftp'].includes(user.toLowerCase())
  const findFile = (arg: string) => files.find((f) => f.name === arg.replace(/^\//, ''))

  const handlers: Record<string, (arg: string) => Promise<void> | void> = {
    USER: (arg) => {
      user = arg
      loggedIn = false
      reply(dialect.user(arg, anonymous()))
    },
    PASS: (arg) => {
      // Anonymous access is the usual exposed-FTP story; named logins are refused.
      const success = anonymous()
      session.emit('auth_attempt', { username: user, password: arg, success }, ['password'])
      loggedIn = success
      reply(success ? dialect.loginOk(true) : dialect.loginFailed)
    },
    SYST: () => reply(dialect.syst),
    FEAT: () => reply(dialect.feat),
    HELP: () => reply(dialect.help),
    NOOP: () => reply(dialect.noop),
    PWD: () => reply(dialect.pwd(cwd)),
    CWD: (arg) => {
      if (arg === '/' || arg === '..' || arg === '') {
        cwd = '/'
        reply(dialect.cwdOk(cwd))
      } else reply(dialect.cwdFailed(arg))
    },
    TYPE: (arg) => reply(dialect.type(arg.toUpperCase().startsWith('I'))),
    PASV: async () => {
      const port = await openPassive()
      const ip = (session.socket.localAddress ?? '127.0.0.1')
        .replace(/^::ffff:/, '')
        .split('.')
        .join(',')
      reply(dialect.pasv(`${ip},${port >> 8},${port & 0xff}`))
    },
    EPSV: async () => reply(dialect.epsv(await openPassive())),
    PORT: () => reply(dialect.port),
    LIST: () =>
      withData((socket) => {
        reply(dialect.listStart)
        socket.end(`${dialect.listing(files, Date.now())}\r\n`, () => reply(dialect.listDone(files.length)))
      }),
    NLST: () =>
      withData((socket) => {
        reply(dialect.listStart)
        socket.end(`${files.map((f) => f.name).join('\r\n')}\r\n`, () =>
          reply(dialect.listDone(files.length)),
        )
      }),
    SIZE: (arg) => {
      const file = findFile(arg)
      reply(file ? dialect.size(file) : dialect.noSuchFile(arg))
    },
    RETR: (arg) => {
      const file = findFile(arg)
      session.emit('download_attempt', { username: user, path: arg, found: file !== undefined })
      if (!file) {
        reply(dialect.noSuchFile(arg))
        return
      }
      return withData((socket) => {
        reply(dialect.retrStart(file))
        socket.end(Buffer.from(file.content, 'latin1'), () => reply(dialect.retrDone))
      })
    },
    STOR: (arg) =>
      withData(
        (socket) =>
          new Promise<void>((resolve) => {
            reply(dialect.storStart(arg))
            const hash = createHash('sha256')
            const kept = startUpload('upload', arg, session.ip)
            let bytes = 0
            socket.on('data', (chunk: Buffer) => {
              bytes += chunk.length
              hash.update(chunk)
              kept.write(chunk)
              if (bytes > MAX_UPLOAD_BYTES) socket.destroy()
            })
            socket.setTimeout(30_000, () => socket.destroy())
            socket.on('close', () => {
              void kept.end()
              session.emit('upload', {
                username: user,
                path: arg,
                bytes,
                sha256: hash.digest('hex'),
                truncated: bytes > MAX_UPLOAD_BYTES,
              })
              reply(bytes > MAX_UPLOAD_BYTES ? dialect.storTooBig : dialect.storDone)
              resolve()
            })
          }),
      ),
    QUIT: () => {
      closePassive()
      session.end(`${dialect.quit}\r\n`)
    },
  }

  let queue = Promise.resolve()
  // Made per connection: Pure-FTPd's greeting shows the local time and the port reached.
  reply(
    dialect.greeting(
      Date.now(),
      (session.socket.localAddress ?? ctx.bindAddress).replace(/^::ffff:/, ''),
      session.socket.localPort ?? 21,
    ),
  )
  return {
    onLine: (line: string, truncated: boolean) => {
      const space = line.indexOf(' ')
      const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase()
      const arg = space === -1 ? '' : line.slice(space + 1)
      if (verb !== 'PASS' && verb !== '') {
        session.emit('command', {
          username: user || null,
          verb,
          arg,
          ...(truncated ? { truncated: true } : {}),
        })
      }
      // Commands are answered strictly in order even when one waits for its data connection.
      queue = queue
        .then(async () => {
          const handler = handlers[verb]
          if (!loggedIn && !dialect.preLogin.has(verb)) reply(dialect.notLoggedIn)
          else if (!handler) reply(dialect.unknown(verb))
          else await handler(arg)
        })
        .catch(() => {
          session.socket.destroy()
        })
    },
    onClose: closePassive,
  }
}
