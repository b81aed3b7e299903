import { createHash } from 'node:crypto'
import type { DeckyTopology, Persona as PersonaStory } from '@decnet/core/schemas'
import ssh2, { type AuthContext, type ClientInfo, type Connection, type ParsedKey, type Session } from 'ssh2'
import type { Emulator, EmulatorContext, RunningEmulator } from '../emulator.ts'
import { kexInitFields } from '../fingerprints/fields.ts'
import { tapSshKexInit } from '../fingerprints/ssh-tap.ts'
import { configString } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import type { TcpSession } from '../framework/tcp.ts'
import { LastLogins } from './last-login.ts'
import { failedLoginDelayMs } from './login-delay.ts'
import { receiveScp } from './scp-sink.ts'
import { serveSftp } from './sftp-sink.ts'
import { type Credentials, credentialsFor } from './shell/credentials.ts'
import { fetchSample } from './shell/downloads.ts'
import { type Persona, personaFor } from './shell/persona.ts'
import { createShell, settle } from './shell/shell.ts'
import { type ShellSession, startShellSession } from './shell/terminal.ts'
import { sshProfile } from './ssh-algorithms.ts'
import { PivotForwarder } from './ssh-forward.ts'
import { hostKeysFor } from './ssh-keys.ts'

// ssh2 is CommonJS without named-export hints: Node's ESM loader only offers its default export.
const { Server, utils } = ssh2

/**
 * ssh2 always appends `ssh-rsa` (SHA-1 signatures) after the SHA-2 names of an RSA host key, which
 * sshd stopped offering in 8.8. A key handed over as already parsed keeps the type it carries, so
 * for such versions the RSA key goes in as one alias per SHA-2 signature name; ssh2 then offers
 * exactly those names, signs with the matching hash and sends the same `ssh-rsa` public key blob.
 */
function offeredHostKeys(pems: string[], algorithms: readonly string[]): (string | { key: ParsedKey })[] {
  if (algorithms.includes('ssh-rsa')) return pems
  return pems.flatMap<string | { key: ParsedKey }>((pem) => {
    const parsed = utils.parseKey(pem)
    if (parsed instanceof Error || parsed.type !== 'ssh-rsa') return [pem]
    return algorithms
      .filter((name) => name.startsWith('rsa-sha2-'))
      .map((name) => ({ key: Object.create(parsed, { type: { value: name } }) as ParsedKey }))
  })
}

/** OpenSSH's default MaxAuthTries: the connection drops after this many failures, like sshd. */
const MAX_AUTH_TRIES = 6
/** Session channels per connection, like OpenSSH's MaxSessions (each holds a shell's state). */
export const MAX_SESSIONS = 10

export const sshEmulator: Emulator = {
  slug: 'ssh',
  defaultPorts: [22],
  async start(ctx: EmulatorContext): Promise<RunningEmulator> {
    const persona = personaFor(ctx)
    const identity = ctx.persona
    const service = identity.services.ssh
    const banner = identString(
      configString(ctx.config, 'ssh_version') ?? service?.banner ?? persona.sshVersion,
    )
    const lastLogins = new LastLogins(
      persona.random.fork('last-login'),
      identity.timezone,
      identity.bootTime * 1000,
    )
    const profile = sshProfile(service?.product ?? 'openssh', banner, identity.os)
    const credentials = credentialsFor(persona.logins)
    // ssh2 announces a client only once its identification line arrived; match it to our session
    // by the peer's address and port, which are unique among open connections.
    const pending = new Map<string, SshClientHandler>()
    const peerKey = (ip: string | undefined, port: number | undefined) => `${ip}|${port}`
    const server = new Server(
      {
        hostKeys: offeredHostKeys(
          await hostKeysFor(identity, profile.hostKeys, profile.rsaBits),
          profile.serverHostKey,
        ),
        // ssh2 prefixes `SSH-2.0-`: the rest is exactly what the persona's product announces.
        ident: banner,
        algorithms: {
          kex: profile.kex,
          serverHostKey: profile.serverHostKey,
          cipher: profile.cipher,
          hmac: profile.hmac,
          compress: profile.compress,
        },
      },
      (connection: Connection, info: ClientInfo) => {
        const key = peerKey(info.ip, info.port)
        const handler = pending.get(key)
        pending.delete(key)
        if (handler) handler.attach(connection, info.header.identRaw)
        else connection.end()
      },
    )
    return tcpOnEveryPort(ctx, {
      // Sockets are handed to ssh2, which reads them itself; we keep limits and connect events.
      handle: (session) => {
        const key = peerKey(session.socket.remoteAddress, session.socket.remotePort)
        const fingerprinted = withHassh(session)
        pending.set(
          key,
          new SshClientHandler(fingerprinted, persona, credentials, identity, lastLogins, ctx.topology),
        )
        session.socket.once('close', () => pending.delete(key))
        server.injectSocket(session.socket)
        return undefined
      },
    })
  },
}

/**
 * Reads the client's KEXINIT beside ssh2 (its HASSH and version, one `ssh_client_kexinit` event),
 * and stamps `hassh` on every later event of the connection (auth attempts, commands, sessions).
 */
function withHassh(session: TcpSession): TcpSession {
  let hassh: string | undefined
  tapSshKexInit(session.socket, (clientVersion, kexinit) => {
    const fields = kexInitFields(clientVersion, kexinit)
    hassh = String(fields.hassh)
    session.emit('ssh_client_kexinit', fields)
  })
  return {
    ...session,
    emit: (event, fields = {}, secretFields) =>
      session.emit(event, hassh === undefined ? fields : { ...fields, hassh }, secretFields),
  }
}

class SshClientHandler {
  private failures = 0
  private user = ''

  constructor(
    private readonly session: TcpSession,
    private readonly persona: Persona,
    private readonly credentials: Credentials,
    private readonly story: PersonaStory,
    private readonly lastLogins: LastLogins,
    private readonly topology: DeckyTopology | undefined,
  ) {}

  attach(connection: Connection, clientVersion: string): void {
    connection.on('error', () => this.session.socket.destroy())
    connection.on('authentication', (auth) => this.authenticate(auth, clientVersion))
    connection.on('ready', () => {
      let sessions = 0
      connection.on('session', (accept, reject) => {
        if (sessions >= MAX_SESSIONS) {
          this.session.limitReached('sessions', MAX_SESSIONS)
          reject()
          return
        }
        sessions++
        const channel = accept()
        channel.once('close', () => sessions--)
        this.serveSession(channel)
      })
      connection.on('request', (_accept, reject) => reject?.())
      // direct-tcpip (`ssh -J`, `-W`, `-L`): a pivot forwards to its neighbours, nothing else does.
      const forwarder = new PivotForwarder(this.session, this.topology, () => this.user)
      connection.on('tcpip', (accept, reject, info) => forwarder.request(accept, reject, info))
    })
  }

  private authenticate(auth: AuthContext, clientVersion: string): void {
    const base = { username: auth.username, method: auth.method, client_version: clientVersion }
    if (auth.method === 'password') {
      const success = this.credentials.attempt(this.session.ip, auth.username, auth.password)
      this.session.emit('auth_attempt', { ...base, password: auth.password, success }, ['password'])
      if (success) {
        this.user = auth.username
        auth.accept()
      } else this.refusePassword(auth)
      return
    }
    if (auth.method === 'publickey') {
      // Only the key offer is seen: we never accept, so the client never signs.
      const fingerprint = `SHA256:${createHash('sha256').update(auth.key.data).digest('base64').replace(/=+$/, '')}`
      this.session.emit('auth_attempt', { ...base, key_type: auth.key.algo, fingerprint, success: false })
    } else if (auth.method === 'keyboard-interactive') {
      auth.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
        const password = answers[0] ?? ''
        const success = this.credentials.attempt(this.session.ip, auth.username, password)
        this.session.emit('auth_attempt', { ...base, password, success }, ['password'])
        if (success) {
          this.user = auth.username
          auth.accept()
        } else this.refusePassword(auth)
      })
      return
    }
    this.reject(auth)
  }

  /** A wrong password is refused after sshd's 2–3 s failure delay (a key offer or `none` at once). */
  private refusePassword(auth: AuthContext): void {
    setTimeout(() => {
      if (!this.session.socket.destroyed) this.reject(auth)
    }, failedLoginDelayMs())
  }

  private reject(auth: AuthContext): void {
    if (auth.method !== 'none') this.failures++
    if (this.failures >= MAX_AUTH_TRIES) {
      this.session.socket.destroy()
      return
    }
    auth.reject(['publickey', 'password'])
  }

  private serveSession(session: Session): void {
    let pty = false
    let terminal: { width?: number; height?: number; term?: string } = {}
    let shell: ShellSession | undefined
    session.on('pty', (accept, _reject, info) => {
      pty = true
      terminal = { width: info.cols, height: info.rows, term: info.term }
      accept?.()
    })
    session.on('env', (accept) => accept?.())
    session.on('window-change', (accept, _reject, info) => {
      shell?.resize(info.cols, info.rows)
      accept?.()
    })
    session.on('sftp', (accept) => {
      const home = this.user === 'root' ? '/root' : `/home/${this.user}`
      serveSftp(accept(), home, this.session.ip, (event, fields) =>
        this.session.emit(event, { username: this.user, ...fields }),
      )
    })
    session.on('subsystem', (_accept, reject) => reject?.())
    session.on('shell', (accept) => {
      const stream = accept()
      const running = startShellSession({
        persona: this.persona,
        user: this.user,
        via: 'ssh',
        pty,
        terminal,
        banner: motd(this.story, this.lastLogins.lineFor(this.user, this.session.ip, 'sshd')),
        from: this.session.ip,
        write: (text) => stream.write(text),
        close: () => {
          stream.exit(0)
          stream.end()
        },
        emit: (event, fields) => this.session.emit(event, fields),
        limitReached: (limit, max) => this.session.limitReached(limit, max),
      })
      shell = running
      stream.on('data', (data: Buffer) => running.feed(data))
      stream.on('error', () => undefined)
      // However the channel goes (exit, client hang-up, connection reset), the recording ends once.
      stream.once('close', () => running.end())
      this.session.socket.once('close', () => running.end())
    })
    session.on('exec', (accept, _reject, info) => {
      const stream = accept()
      stream.on('error', () => undefined)
      const command = info.command.slice(0, 4096)
      const shell = createShell(this.persona, this.user, {
        download: fetchSample,
        emit: (event, fields) => this.session.emit(event, fields),
        session: { from: this.session.ip },
        attacker: this.session.ip,
        limitReached: (limit, max) => this.session.limitReached(limit, max),
      })
      this.session.emit('command', {
        username: this.user,
        cmd: command,
        cwd: shell.cwd,
        via: 'ssh-exec',
        ...(info.command.length > command.length ? { truncated: true } : {}),
      })
      const sink = /^scp\s+(?:-\w+\s+)*-t\s+(?:--\s+)?(\S+)?/.exec(command)
      if (sink) {
        receiveScp(stream, sink[1] ?? '.', (event, fields) =>
          this.session.emit(event, { username: this.user, ...fields }),
        )
        return
      }
      void settle(shell.run(command), (text) => stream.write(text)).then((outcome) => {
        stream.exit(outcome.status ?? 0)
        stream.end()
      })
    })
  }
}

/** The software version part of the ident line (`OpenSSH_9.2p1 Debian-2+deb12u3`), without `SSH-2.0-`. */
export function identString(banner: string): string {
  return banner
    .replace(/^SSH-2\.0-/, '')
    .replace(/[\r\n]/g, '')
    .slice(0, 240)
}

/** What sshd prints before the shell prompt: the distro's motd, then the last login. */
function motd(story: PersonaStory, lastLogin: string): string {
  const os = story.os
  const welcome =
    os.id === 'ubuntu'
      ? `Welcome to ${os.name} (GNU/Linux ${os.kernel} ${os.arch})\n\n * Documentation:  https://help.ubuntu.com\n * Management:     https://landscape.canonical.com\n * Support:        https://ubuntu.com/pro\n\n`
      : os.id === 'debian'
        ? `Linux ${story.hostname} ${os.kernel} ${os.kernelVersion} ${os.arch}\n\nThe programs included with the Debian GNU/Linux system are free software;\nthe exact distribution terms for each program are described in the\nindividual files in /usr/share/doc/*/copyright.\n\nDebian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\npermitted by applicable law.\n`
        : ''
  return `${welcome}${lastLogin}\n`
}
