import { createHash, randomBytes } from 'node:crypto'
import type { Persona } from '@decnet/core'
import { personaUnit, personaValue, uptimeSeconds } from '@decnet/core/persona'
import type { Emulator, EmulatorContext, RunningEmulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import { type SeededRandom, seededRandom } from '../framework/random.ts'
import type { TcpSession } from '../framework/tcp.ts'

/** Protocol limits: a multibulk header or bulk length beyond these is a protocol error, like redis. */
const MAX_ARGUMENTS = 1024
const MAX_BULK_BYTES = 256 * 1024
/** Unparsed input held per connection; a request larger than this is refused, not buffered. */
const MAX_BUFFERED_BYTES = 1024 * 1024
/** Keys a client may add to the shared fake keyspace (SET is logged, never a free storage service). */
const MAX_WRITTEN_KEYS = 256

export const redisEmulator: Emulator = {
  slug: 'redis',
  defaultPorts: [6379],
  async start(ctx: EmulatorContext): Promise<RunningEmulator> {
    const persona = ctx.persona
    const build = redisBuild(persona, configString(ctx.config, 'version'))
    const osLine = configString(ctx.config, 'os_string')
    const server: RedisServer = {
      ...build,
      ...(osLine ? { os: osLine } : {}),
      password: configString(ctx.config, 'password'),
      // A fresh run id per process start, as redis draws it at boot.
      runId: randomBytes(20).toString('hex'),
      persona,
      keyspace: fakeKeyspace(seededRandom(personaValue(persona, 'redis-keyspace'))),
      written: 0,
    }
    return tcpOnEveryPort(ctx, { handle: (session) => redisSession(session, server) })
  },
}

/** What the persona's redis package is: version, build, paths and the OS it reports. */
export type RedisBuild = {
  version: string
  /** Same package build, same id: a hash of the distro and the package, never of the decky. */
  buildId: string
  os: string
  archBits: number
  multiplexing: string
  gccVersion: string
  executable: string
  configFile: string
  supervised: string
  /** The PID redis got at boot and seconds it started after the kernel. */
  pid: number
  startDelay: number
  baseMemory: number
}

export function redisBuild(persona: Persona, configuredVersion?: string): RedisBuild {
  const product = persona.services.redis
  const version = configuredVersion ?? product?.version ?? '7.0.15'
  const os = persona.os
  const bsd = persona.family === 'bsd'
  // Where the distro's package keeps its config (CentOS 7 and Alpine at the top of /etc).
  const configFile = bsd
    ? '/usr/local/etc/redis.conf'
    : os.id === 'centos' || os.id === 'alpine'
      ? '/etc/redis.conf'
      : '/etc/redis/redis.conf'
  return {
    version,
    buildId: createHash('sha256')
      .update(`${os.id}/${os.versionId}/${os.arch}/${version}`)
      .digest('hex')
      .slice(0, 16),
    os: product?.attrs.os ?? `${bsd ? 'FreeBSD' : 'Linux'} ${os.kernel} ${os.arch}`,
    archBits: /64|amd64|s390x/.test(os.arch) ? 64 : 32,
    multiplexing: bsd ? 'kqueue' : 'epoll',
    gccVersion: product?.attrs.gccVersion ?? '12.2.0',
    executable: bsd ? '/usr/local/bin/redis-server' : '/usr/bin/redis-server',
    configFile,
    // systemd units pass --supervised systemd; Alpine (OpenRC) and FreeBSD (rc) do not.
    supervised: bsd || os.id === 'alpine' ? 'no' : 'systemd',
    pid: 380 + Math.floor(personaUnit(persona, 'redis-pid') * 1400),
    startDelay: 6 + Math.floor(personaUnit(persona, 'redis-start') * 40),
    baseMemory: 860_000 + Math.floor(personaUnit(persona, 'redis-memory') * 1_600_000),
  }
}

type RedisServer = RedisBuild & {
  password: string | undefined
  runId: string
  persona: Persona
  keyspace: Map<string, string>
  written: number
}

function fakeKeyspace(random: SeededRandom): Map<string, string> {
  const keys = new Map<string, string>()
  for (let i = 0; i < random.int(4, 9); i++)
    keys.set(
      `session:${random.hex(24)}`,
      JSON.stringify({ user_id: random.int(1, 5000), role: random.pick(['user', 'admin', 'editor']) }),
    )
  for (let i = 0; i < random.int(2, 5); i++)
    keys.set(
      `cache:user:${random.int(1, 5000)}`,
      JSON.stringify({
        email: `${random.pick(['ops', 'admin', 'dev', 'billing'])}${random.int(1, 99)}@example.com`,
      }),
    )
  keys.set('config:smtp_password', `${random.pick(['Mail', 'Smtp', 'Relay'])}${random.int(1000, 9999)}!`)
  keys.set('api:token', random.hex(40))
  keys.set('queue:jobs:pending', String(random.int(0, 40)))
  return keys
}

/** RESP encoders. */
const simple = (text: string) => `+${text}\r\n`
const error = (text: string) => `-${text}\r\n`
const integer = (value: number) => `:${value}\r\n`
const bulk = (text: string | null) =>
  text === null ? '$-1\r\n' : `$${Buffer.byteLength(text)}\r\n${text}\r\n`
const array = (items: string[]) => `*${items.length}\r\n${items.map(bulk).join('')}`

function redisSession(session: TcpSession, server: RedisServer) {
  let authenticated = server.password === undefined
  const parser = respParser(
    (args) => {
      const [name = '', ...rest] = args
      const command = name.toUpperCase()
      if (command === 'AUTH') {
        const [user, password] = rest.length >= 2 ? [rest[0] ?? '', rest[1] ?? ''] : [null, rest[0] ?? '']
        const success = server.password !== undefined && password === server.password
        session.emit('auth_attempt', { username: user, password, success }, ['password'])
        if (server.password === undefined) {
          return session.write(
            error(
              'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
            ),
          )
        }
        if (success) authenticated = true
        return session.write(
          success ? simple('OK') : error('WRONGPASS invalid username-password pair or user is disabled.'),
        )
      }
      session.emit('command', {
        cmd: command,
        args: JSON.stringify(rest.slice(0, 8).map((a) => a.slice(0, 256))),
      })
      if (!authenticated && command !== 'QUIT' && command !== 'HELLO')
        return session.write(error('NOAUTH Authentication required.'))
      session.write(execute(command, rest, server, session))
    },
    (message, limit) => {
      if (limit) session.limitReached(limit.limit, limit.max)
      session.emit('scan', { reason: 'resp_protocol_error', error: message })
      session.write(error(`ERR Protocol error: ${message}`))
      session.end()
    },
  )
  return { onData: parser }
}

function execute(command: string, args: string[], server: RedisServer, session: TcpSession): string {
  const keys = server.keyspace
  switch (command) {
    case 'PING':
      return args[0] === undefined ? simple('PONG') : bulk(args[0])
    case 'ECHO':
      return bulk(args[0] ?? '')
    case 'QUIT':
      session.end()
      return simple('OK')
    case 'INFO':
      return bulk(info(server, session, (args[0] ?? 'default').toLowerCase()))
    case 'CONFIG': {
      const sub = (args[0] ?? '').toUpperCase()
      if (sub === 'GET') {
        const values: Record<string, string> = {
          dir: '/var/lib/redis',
          dbfilename: 'dump.rdb',
          requirepass: server.password ?? '',
          maxmemory: '0',
          bind: '0.0.0.0',
          'protected-mode': 'no',
          port: String(session.socket.localPort),
          appendonly: 'no',
        }
        const matcher = glob(args[1] ?? '*')
        return array(
          Object.entries(values)
            .filter(([key]) => matcher.test(key))
            .flat(),
        )
      }
      if (sub === 'SET' || sub === 'RESETSTAT' || sub === 'REWRITE') return simple('OK')
      return error(`ERR unknown subcommand '${args[0] ?? ''}'. Try CONFIG HELP.`)
    }
    case 'KEYS': {
      const matcher = glob(args[0] ?? '*')
      return array([...keys.keys()].filter((key) => matcher.test(key)))
    }
    case 'SCAN': {
      const matchIndex = args.findIndex((a) => a.toUpperCase() === 'MATCH')
      const matcher = glob(matchIndex === -1 ? '*' : (args[matchIndex + 1] ?? '*'))
      const found = [...keys.keys()].filter((key) => matcher.test(key))
      return `*2\r\n${bulk('0')}${array(found)}`
    }
    case 'GET':
      return bulk(keys.get(args[0] ?? '') ?? null)
    case 'SET': {
      const key = args[0]
      if (key === undefined || args[1] === undefined)
        return error("ERR wrong number of arguments for 'set' command")
      if (!keys.has(key)) {
        if (server.written >= MAX_WRITTEN_KEYS) return simple('OK')
        server.written++
      }
      keys.set(key.slice(0, 512), args[1].slice(0, 4096))
      return simple('OK')
    }
    case 'EXISTS':
      return integer(args.filter((key) => keys.has(key)).length)
    case 'TYPE':
      return simple(keys.has(args[0] ?? '') ? 'string' : 'none')
    case 'DEL':
      return integer(args.filter((key) => keys.has(key)).length)
    case 'DBSIZE':
      return integer(keys.size)
    case 'SELECT':
      return Number(args[0]) >= 0 && Number(args[0]) < 16
        ? simple('OK')
        : error('ERR DB index is out of range')
    case 'FLUSHALL':
    case 'FLUSHDB':
    case 'SLAVEOF':
    case 'REPLICAOF':
      return simple('OK')
    case 'SAVE':
      return simple('OK')
    case 'BGSAVE':
      return simple('Background saving started')
    case 'MODULE':
      return error('ERR Error loading the extension. Please check the server logs.')
    case 'CLIENT':
      return (args[0] ?? '').toUpperCase() === 'LIST'
        ? bulk(
            `id=${3 + Math.floor(uptimeSeconds(server.persona, Date.now()) / 600)} addr=${session.ip}:${session.port} laddr=${session.socket.localAddress}:${session.socket.localPort} fd=8 name= age=0 idle=0 flags=N db=0 sub=0 psub=0 multi=-1 qbuf=26 qbuf-free=20448 omem=0 events=r cmd=client\n`,
          )
        : simple('OK')
    case 'COMMAND':
      return '*0\r\n'
    case 'HELLO':
      return error('NOPROTO unsupported protocol version')
    default:
      return error(
        `ERR unknown command '${command.toLowerCase().slice(0, 128)}', with args beginning with: ${args
          .slice(0, 3)
          .map((a) => `'${a.slice(0, 64)}' `)
          .join('')}`,
      )
  }
}

/** Redis' bytesToHuman: `1008.26K`, `1.52M`. */
function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(2)}K`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(2)}M`
  return `${(bytes / 1024 ** 3).toFixed(2)}G`
}

const versionAtLeast = (version: string, major: number, minor: number) => {
  const [a = 0, b = 0] = version.split('.').map(Number)
  return a > major || (a === major && b >= minor)
}

/** INFO, computed per request from the persona's clock (uptime, server time, LRU clock, memory). */
function info(server: RedisServer, session: TcpSession, section: string): string {
  const now = Date.now()
  const uptime = Math.max(0, uptimeSeconds(server.persona, now) - server.startDelay)
  const version = server.version
  const usedMemory =
    server.baseMemory + server.keyspace.size * 96 + Math.floor(Math.abs(Math.sin(now / 97_000)) * 24_000)
  const sections: Record<string, string[]> = {
    server: [
      `redis_version:${version}`,
      'redis_git_sha1:00000000',
      'redis_git_dirty:0',
      `redis_build_id:${server.buildId}`,
      'redis_mode:standalone',
      `os:${server.os}`,
      `arch_bits:${server.archBits}`,
      ...(versionAtLeast(version, 6, 2) ? ['monotonic_clock:POSIX clock_gettime'] : []),
      `multiplexing_api:${server.multiplexing}`,
      ...(versionAtLeast(version, 4, 0)
        ? [`atomicvar_api:${versionAtLeast(version, 6, 2) ? 'c11-builtin' : 'atomic-builtin'}`]
        : []),
      `gcc_version:${server.gccVersion}`,
      `process_id:${server.pid}`,
      ...(versionAtLeast(version, 5, 0) ? [`process_supervised:${server.supervised}`] : []),
      `run_id:${server.runId}`,
      `tcp_port:${session.socket.localPort}`,
      ...(versionAtLeast(version, 6, 0)
        ? [`server_time_usec:${now * 1000 + Math.floor(Math.random() * 1000)}`]
        : []),
      `uptime_in_seconds:${uptime}`,
      `uptime_in_days:${Math.floor(uptime / 86_400)}`,
      'hz:10',
      ...(versionAtLeast(version, 5, 0) ? ['configured_hz:10'] : []),
      `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
      `executable:${server.executable}`,
      `config_file:${server.configFile}`,
      ...(versionAtLeast(version, 6, 0) ? ['io_threads_active:0'] : []),
    ],
    clients: ['connected_clients:1', 'blocked_clients:0'],
    memory: [
      `used_memory:${usedMemory}`,
      `used_memory_human:${humanBytes(usedMemory)}`,
      'maxmemory:0',
      'maxmemory_policy:noeviction',
    ],
    persistence: ['loading:0', 'rdb_changes_since_last_save:0', 'rdb_bgsave_in_progress:0', 'aof_enabled:0'],
    replication: ['role:master', 'connected_slaves:0'],
    keyspace: [`db0:keys=${server.keyspace.size},expires=0,avg_ttl=0`],
  }
  const chosen =
    section === 'default' || section === 'all' || section === 'everything' ? Object.keys(sections) : [section]
  return chosen
    .filter((name) => sections[name])
    .map(
      (name) => `# ${name[0]?.toUpperCase()}${name.slice(1)}\r\n${(sections[name] ?? []).join('\r\n')}\r\n`,
    )
    .join('\r\n')
}

/** Redis glob (`*`, `?`, `[abc]`) as an anchored regular expression. */
function glob(pattern: string): RegExp {
  const source = pattern
    .slice(0, 256)
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  try {
    return new RegExp(`^${source}$`, 's')
  } catch {
    return /^$/
  }
}

/**
 * Incremental RESP parser: multibulk arrays (`*n`, `$len`) and inline commands (what telnet users
 * and many scanners send). Buffers at most one bulk string; oversized or malformed input is an error.
 */
/** A cap a request ran into (so the caller can record that data was cut). */
export type RespLimit = { limit: string; max: number }

export function respParser(
  onCommand: (args: string[]) => void,
  onError: (message: string, limit?: RespLimit) => void,
) {
  let buffer: Buffer = Buffer.alloc(0)
  let failed = false
  return (chunk: Buffer) => {
    if (failed) return
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
    if (buffer.length > MAX_BUFFERED_BYTES) {
      failed = true
      buffer = Buffer.alloc(0)
      return onError('too big request', { limit: 'request_bytes', max: MAX_BUFFERED_BYTES })
    }
    while (buffer.length > 0) {
      if (buffer[0] === 0x2a) {
        const parsed = parseMultibulk(buffer)
        if (parsed === 'incomplete') break
        if (typeof parsed === 'string') {
          failed = true
          return onError(parsed)
        }
        buffer = buffer.subarray(parsed.consumed)
        if (parsed.args.length > 0) onCommand(parsed.args)
      } else {
        const newline = buffer.indexOf(0x0a)
        if (newline === -1) {
          if (buffer.length > 64 * 1024) {
            failed = true
            return onError('too big inline request', { limit: 'line_bytes', max: 64 * 1024 })
          }
          break
        }
        const line = buffer.subarray(0, newline).toString('utf8').replace(/\r$/, '')
        buffer = buffer.subarray(newline + 1)
        const args = line.trim().split(/\s+/).filter(Boolean)
        if (args.length > 0) onCommand(args)
      }
    }
    // Never keep a reference to a large consumed chunk.
    if (buffer.length > 0) buffer = Buffer.from(buffer)
  }
}

function parseMultibulk(buffer: Buffer): { args: string[]; consumed: number } | 'incomplete' | string {
  const headerEnd = buffer.indexOf('\r\n')
  if (headerEnd === -1) return buffer.length > 32 ? 'invalid multibulk length' : 'incomplete'
  const count = Number(buffer.subarray(1, headerEnd).toString())
  if (!Number.isInteger(count) || count > MAX_ARGUMENTS) return 'invalid multibulk length'
  let offset = headerEnd + 2
  const args: string[] = []
  for (let i = 0; i < count; i++) {
    if (offset >= buffer.length) return 'incomplete'
    if (buffer[offset] !== 0x24) return `expected '$', got '${String.fromCharCode(buffer[offset] ?? 0)}'`
    const lengthEnd = buffer.indexOf('\r\n', offset)
    if (lengthEnd === -1) return buffer.length - offset > 32 ? 'invalid bulk length' : 'incomplete'
    const length = Number(buffer.subarray(offset + 1, lengthEnd).toString())
    if (!Number.isInteger(length) || length < 0 || length > MAX_BULK_BYTES) return 'invalid bulk length'
    const start = lengthEnd + 2
    if (buffer.length < start + length + 2) return 'incomplete'
    args.push(buffer.subarray(start, start + length).toString('utf8'))
    offset = start + length + 2
  }
  return { args, consumed: offset }
}
