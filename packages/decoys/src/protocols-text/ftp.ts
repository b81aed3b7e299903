import { createHash } from 'node:crypto'
import { createServer, type Server, type Socket } from 'node:net'
import type { Emulator, EmulatorContext, RunningEmulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { peerAddress } from '../framework/events.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import type { TcpSession } from '../framework/tcp.ts'
import { type Persona, personaFor } from './shell/persona.ts'

/** Uploads are hashed and counted, but at most this much is read before the data channel is cut. */
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024
/** A passive data port nobody connects to is closed after this long. */
const DATA_ACCEPT_TIMEOUT_MS = 15_000

type BaitFile = { name: string; content: string; modified: string }

export const ftpEmulator: Emulator = {
  slug: 'ftp',
  defaultPorts: [21],
  async start(ctx: EmulatorContext): Promise<RunningEmulator> {
    const persona = personaFor(ctx)
    const random = persona.random.fork('ftp')
    const banner =
      configString(ctx.config, 'banner') ??
      random.pick(['(vsFTPd 3.0.5)', '(vsFTPd 3.0.3)', `ProFTPD Server (${persona.hostname})`])
    const files = baitFiles(persona)
    return tcpOnEveryPort(ctx, { handle: (session) => ftpSession(ctx, session, banner, files) })
  },
}

function baitFiles(persona: Persona): BaitFile[] {
  const random = persona.random.fork('ftp-files')
  const month = random.pick(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Sep', 'Oct', 'Nov'])
  const day = () => String(random.int(1, 28)).padStart(2, ' ')
  const user = persona.humanUsers[1] ?? 'backup'
  return [
    {
      name: `backup-${random.int(2023, 2025)}${String(random.int(1, 12)).padStart(2, '0')}.tar.gz`,
      content: random.bytes(2048).toString('latin1'),
      modified: `${month} ${day()} 03:1${random.int(0, 9)}`,
    },
    {
      name: 'db_credentials.txt',
      content: `# prod database\nhost=10.${random.int(0, 40)}.${random.int(0, 254)}.${random.int(2, 254)}\nuser=${user}\npassword=${random.pick(['Backup', 'Prod', 'Corp'])}${random.int(100, 999)}!\n`,
      modified: `${month} ${day()} 11:42`,
    },
    {
      name: 'users.csv',
      content: `id,name,email\n1,${persona.humanUsers[0]},${persona.humanUsers[0]}@${persona.hostname.toLowerCase()}.local\n`,
      modified: `${month} ${day()} 09:05`,
    },
    {
      name: 'deploy.sh',
      content: `#!/bin/sh\nrsync -az ./dist/ ${user}@${persona.hostname.toLowerCase()}:/var/www/\n`,
      modified: `${month} ${day()} 16:20`,
    },
  ]
}

function ftpSession(ctx: EmulatorContext, session: TcpSession, banner: string, files: BaitFile[]) {
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
      reply('425 Use PORT or PASV first.')
      return
    }
    await work(socket)
  }

  const listing = () =>
    files
      .map(
        (f) =>
          `-rw-r--r--    1 1001     1001     ${String(f.content.length).padStart(8)} ${f.modified} ${f.name}`,
      )
      .join('\r\n')

  const handlers: Record<string, (arg: string) => Promise<void> | void> = {
    USER: (arg) => {
      user = arg
      loggedIn = false
      reply('331 Please specify the password.')
    },
    PASS: (arg) => {
      // Anonymous access is the usual exposed-FTP story; named logins are refused.
      const success = ['anonymous', 'ftp'].includes(user.toLowerCase())
      session.emit('auth_attempt', { username: user, password: arg, success }, ['password'])
      loggedIn = success
      reply(success ? '230 Login successful.' : '530 Login incorrect.')
    },
    SYST: () => reply('215 UNIX Type: L8'),
    FEAT: () =>
      reply('211-Features:\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n211 End'),
    NOOP: () => reply('200 NOOP ok.'),
    PWD: () => reply(`257 "${cwd}" is the current directory`),
    CWD: (arg) => {
      if (arg === '/' || arg === '..' || arg === '') {
        cwd = '/'
        reply('250 Directory successfully changed.')
      } else reply('550 Failed to change directory.')
    },
    TYPE: (arg) => reply(`200 Switching to ${arg.toUpperCase().startsWith('I') ? 'Binary' : 'ASCII'} mode.`),
    PASV: async () => {
      const port = await openPassive()
      const ip = (session.socket.localAddress ?? '127.0.0.1')
        .replace(/^::ffff:/, '')
        .split('.')
        .join(',')
      reply(`227 Entering Passive Mode (${ip},${port >> 8},${port & 0xff}).`)
    },
    EPSV: async () => reply(`229 Entering Extended Passive Mode (|||${await openPassive()}|)`),
    PORT: () => reply('500 Illegal PORT command.'),
    LIST: () =>
      withData((socket) => {
        reply('150 Here comes the directory listing.')
        socket.end(`${listing()}\r\n`, () => reply('226 Directory send OK.'))
      }),
    NLST: () =>
      withData((socket) => {
        reply('150 Here comes the directory listing.')
        socket.end(`${files.map((f) => f.name).join('\r\n')}\r\n`, () => reply('226 Directory send OK.'))
      }),
    SIZE: (arg) => {
      const file = files.find((f) => f.name === arg.replace(/^\//, ''))
      reply(file ? `213 ${file.content.length}` : '550 Could not get file size.')
    },
    RETR: (arg) => {
      const file = files.find((f) => f.name === arg.replace(/^\//, ''))
      session.emit('download_attempt', { username: user, path: arg, found: file !== undefined })
      if (!file) {
        reply('550 Failed to open file.')
        return
      }
      return withData((socket) => {
        reply(`150 Opening BINARY mode data connection for ${file.name} (${file.content.length} bytes).`)
        socket.end(Buffer.from(file.content, 'latin1'), () => reply('226 Transfer complete.'))
      })
    },
    STOR: (arg) =>
      withData(
        (socket) =>
          new Promise<void>((resolve) => {
            reply('150 Ok to send data.')
            const hash = createHash('sha256')
            let bytes = 0
            socket.on('data', (chunk: Buffer) => {
              bytes += chunk.length
              hash.update(chunk)
              if (bytes > MAX_UPLOAD_BYTES) socket.destroy()
            })
            socket.setTimeout(30_000, () => socket.destroy())
            socket.on('close', () => {
              session.emit('upload', {
                username: user,
                path: arg,
                bytes,
                sha256: hash.digest('hex'),
                truncated: bytes > MAX_UPLOAD_BYTES,
              })
              reply(
                bytes > MAX_UPLOAD_BYTES ? '552 Requested file action aborted.' : '226 Transfer complete.',
              )
              resolve()
            })
          }),
      ),
    QUIT: () => {
      closePassive()
      session.end('221 Goodbye.\r\n')
    },
  }
  const open = new Set(['USER', 'PASS', 'QUIT', 'SYST', 'FEAT', 'NOOP'])

  let queue = Promise.resolve()
  reply(`220 ${banner}`)
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
          if (!handler) reply('500 Unknown command.')
          else if (!loggedIn && !open.has(verb)) reply('530 Please login with USER and PASS.')
          else await handler(arg)
        })
        .catch(() => {
          session.socket.destroy()
        })
    },
    onClose: closePassive,
  }
}
