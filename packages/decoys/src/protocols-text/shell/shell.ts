import type { Fields } from '../../framework/tcp.ts'
import { accountCommands, sudoAsRoot } from './account-commands.ts'
import { adminCommands } from './admin-commands.ts'
import { archiveCommands } from './archive-commands.ts'
import { busyboxMultiCall } from './busybox-command.ts'
import { commandCatalogue } from './command-catalogue.ts'
import type { CommandContext } from './command-context.ts'
import { crontabCommand, isCronPath } from './cron-commands.ts'
import { dateCommand } from './date-command.ts'
import { diskCommands } from './disk-commands.ts'
import { type Downloader, sessionDownloader } from './downloads.ts'
import { fileCommands } from './file-commands.ts'
import { fileInfoCommands } from './file-info-commands.ts'
import { accountsOf, buildFilesystem, type FileStat, normalize } from './filesystem.ts'
import { languageCommands } from './language-commands.ts'
import { localTime, lsDate } from './local-time.ts'
import { networkCommands } from './network-commands.ts'
import { AttackerOverlay, attackerOverlays, overlayFilesystem } from './overlay.ts'
import { packageCommands } from './package-commands.ts'
import type { ShellHost } from './persona.ts'
import { lastBootMs } from './persona-facts.ts'
import { procReader } from './proc.ts'
import { processCommands } from './process-commands.ts'
import { serviceCommands } from './service-commands.ts'
import { createInterpreter, type Flavour, type ShellCommand, type ShellIo } from './sh/interpreter.ts'
import { free, hostname, lscpu, nproc, type ShellSessionInfo, uname, uptime, w } from './system-commands.ts'
import { systemdCommands } from './systemd-commands.ts'
import { hostTimeline } from './timeline.ts'
import { curl, type TransferContext, wget } from './transfer-commands.ts'

/**
 * A fake shell: a real sh interpreter (sh/interpreter.ts: quoting, expansion, pipes, redirections,
 * `$( )`, `sh -c`, exit codes) over commands whose output comes from the decky's persona (bash on
 * GNU distros, ash on busybox ones); unknown commands fail as the real shell says. It never executes
 * anything on the host; `wget`/`curl` really fetch (when given a downloader) so the sample can be
 * hashed, and what the intruder writes (`>`, `mkdir`, `chmod`, downloads …) goes to their overlay of
 * the file tree, kept for their next session on this decky.
 */
export type FakeShell = {
  prompt(): string
  /** Runs one command line; `exit` is true when the session should end. */
  run(line: string): ShellOutcome
  /** Ctrl-C: drops a command still being continued (`> ` prompt). */
  interrupt(): void
  readonly cwd: string
}

/**
 * What a command line printed so far. When it waits on the network (a download), `pending` brings
 * the rest of the line's output once it is done; the caller shows the next prompt only then.
 */
export type ShellOutcome = {
  output: string
  exit: boolean
  /** The line's exit status (`$?`), once it is done. */
  status?: number
  pending?: Promise<ShellOutcome>
}

export type ShellOptions = {
  /** The wall clock (tests move it to see uptime and load advance). */
  now?: () => number
  /** Per-read noise source in [0, 1) (cpufreq, memory): Math.random unless a test pins it. */
  jitter?: () => number
  /** Where the session comes from, as `w` shows it. */
  session?: Partial<ShellSessionInfo>
  /** Fetches what `wget`/`curl` ask for; without one the host has no egress and they fail to resolve. */
  download?: Downloader
  /** Events the shell itself raises (`download`, `cron_job`). */
  emit?: (event: string, fields: Fields) => void
  /**
   * The attacker's source address: their changes to the file tree are kept for their next session
   * on this decky. Without one the session starts from the persona's tree and keeps nothing.
   */
  attacker?: string
  /**
   * A terminal session: a line that stops mid-construct (open quote, `for … do` without `done`,
   * trailing `|`) waits for the next one behind the `> ` prompt, as bash and ash do.
   */
  interactive?: boolean
  /** A bound cut the session's output or work (limit name, bound). */
  limitReached?: (limit: string, max: number) => void
}

export function createShell(host: ShellHost, user: string, options: ShellOptions = {}): FakeShell {
  const now = options.now ?? Date.now
  const timeline = hostTimeline(host.persona, host.sinceMs)
  const proc = procReader(host.persona, host.kernel, options.jitter)
  const overlay = options.attacker
    ? attackerOverlays.overlayFor(`${host.persona.seed}/${host.hostname}`, options.attacker, now())
    : new AttackerOverlay()
  const fs = overlayFilesystem(buildFilesystem(host, user, proc, timeline), overlay)
  const emit = options.emit ?? (() => undefined)
  const busybox = host.userland === 'busybox'
  const debianLike = ['debian', 'ubuntu', 'kali'].includes(host.persona.os.id)
  const rhelPrompt = !busybox && !debianLike
  const session: ShellSessionInfo = {
    from: options.session?.from ?? '-',
    loginMs: options.session?.loginMs ?? now(),
  }
  const home = user === 'root' ? '/root' : `/home/${user}`
  const uid = user === 'root' ? 0 : 1000 + accountsOf(host, user).indexOf(user)
  const shellName = busybox ? 'ash' : 'bash'
  const typed: string[] = []
  /** The lines of a command not finished yet (interactive sessions). */
  let continued: string | undefined
  // The login shell's process id, as `ps` shows it (`$$`).
  const pid = host.random.fork('pids').fork('mine').int(2_000, 60_000)
  const resolve = (path: string) => {
    const expanded = path === '~' || path.startsWith('~/') ? `${home}${path.slice(1)}` : path
    return normalize(expanded.startsWith('/') ? expanded : `${interpreter.cwd}/${expanded}`)
  }
  function mayWrite(path: string): boolean {
    return (
      uid === 0 || path === home || path.startsWith(`${home}/`) || /^\/(tmp|var\/tmp|dev\/shm)\//.test(path)
    )
  }

  const transfers: TransferContext = {
    busybox,
    timezone: host.persona.timezone,
    user,
    now,
    resolve: (path) => resolve(path),
    fs,
    mayWrite: (path) => mayWrite(path),
    download: options.download && sessionDownloader(options.download),
    emit,
  }
  const crontab = crontabCommand({
    busybox,
    rhel: rhelPrompt,
    user,
    fs,
    resolve: (path) => resolve(path),
    now,
    emit,
  })
  const catalogue = commandCatalogue(host)
  const context: CommandContext = {
    host,
    user,
    uid,
    home,
    fs,
    resolve: (path) => resolve(path),
    mayWrite: (path) => mayWrite(path),
    now,
    busybox,
    proc,
    catalogue,
    session,
    emit,
  }
  const commands: Record<string, ShellCommand> = {
    ...fileCommands({ fs, resolve, mayWrite, user, uid, now, busybox }),
    ...fileInfoCommands(context),
    ...archiveCommands(context),
    ...diskCommands(context),
    ...networkCommands(context),
    ...packageCommands(context),
    ...serviceCommands(context),
    ...(busybox ? {} : systemdCommands(context)),
    ...accountCommands(context),
    ...processCommands(context),
    ...languageCommands(context),
    ...adminCommands(context),
    whoami: () => `${user}\n`,
    id: () => {
      const admin = debianLike && host.persona.os.id !== 'kali' ? '27(sudo)' : '10(wheel)'
      const groups = uid === 0 ? '0(root)' : `${uid}(${user}),4(adm),${admin}`
      return `uid=${uid}(${user}) gid=${uid}(${user}) groups=${groups}\n`
    },
    hostname: (args) => hostname(host, args),
    uname: (args) => uname(host, args),
    date: (args) => dateCommand(args, now(), host.persona.timezone),
    ls: (args, io) => ls(args, io),
    ps: (args) =>
      ps(
        host,
        user,
        args.some((a) => /^-?(aux|ef|e|ax|A)$/.test(a)),
        lastBootMs(host.persona, now()),
        now(),
        busybox,
      ),
    curl: (args, io) => curl(transfers, args, io),
    wget: (args, io) => wget(transfers, args, io),
    crontab: (args, io) => crontab.run(args, io),
    w: () => w(host, user, now(), session),
    uptime: (args) => uptime(host, args, now()),
    free: (args) => free(host, args, proc, now()),
    nproc: () => nproc(host),
    lscpu: () => lscpu(host, proc),
    // bash loads ~/.bash_history at login and appends this session's lines.
    history: (args) => {
      if (args[0] === '-c') {
        typed.length = 0
        return ''
      }
      const saved = (fs.read(`${home}/.${busybox ? 'ash' : 'bash'}_history`, now()) ?? '')
        .split('\n')
        .filter(Boolean)
      return [...saved, ...typed]
        .map((line, index) => `${String(index + 1).padStart(busybox ? 4 : 5)}  ${line}`)
        .join('\n')
        .concat('\n')
    },
    clear: () => '\u001b[H\u001b[2J',
    // root's sudo runs the command (multiCall below); others are asked for a password they cannot give.
    sudo: () => `[sudo] password for ${user}: \nSorry, try again.\n`,
  }
  /** What the OS ships (command-catalogue.ts), plus the shell's own `history`. */
  const ships = (name: string) => catalogue.has(name) || name === 'history'
  const env: Record<string, string> = {
    HOME: home,
    USER: user,
    LOGNAME: user,
    SHELL: busybox ? '/bin/ash' : '/bin/bash',
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: host.hostname,
    TERM: 'xterm-256color',
    PWD: home,
  }
  const sh: Flavour = busybox ? 'ash' : debianLike ? 'dash' : 'bash'
  const interpreter = createInterpreter(
    {
      commands,
      fs,
      now,
      user,
      uid,
      home,
      mayWrite,
      wrote: (path, text) => {
        if (!isCronPath(path) || text === '') return
        const jobs = text
          .split('\n')
          .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
        emit('cron_job', { username: user, via: 'file', source: path, jobs: jobs.join('\n') })
      },
      runFile,
      sh,
      bash: !busybox,
      commandPath: (name) => `${catalogue.get(name) ?? '/usr/bin'}/${name}`,
      ships,
      multiCall: (name, args) =>
        busybox && name === 'busybox'
          ? busyboxMultiCall(args)
          : uid === 0 && name === 'sudo'
            ? sudoAsRoot(context, args)
            : undefined,
      pid,
      ...(options.limitReached ? { limitReached: options.limitReached } : {}),
    },
    { flavour: busybox ? 'ash' : 'bash', name: `-${shellName}`, interactive: true },
    env,
  )

  /** `./xmrig`: a file this session saved answers as a foreign binary would; nothing runs. */
  function runFile(name: string, prefix: string): { error: string; status: number } | undefined {
    if (!name.includes('/')) return undefined
    const stat = fs.stat(resolve(name), now())
    if (!stat)
      return {
        error: `${prefix}${name}: ${busybox ? 'not found' : 'No such file or directory'}\n`,
        status: 127,
      }
    if (stat.dir) return { error: `${prefix}${name}: Is a directory\n`, status: 126 }
    if (!stat.mode.includes('x')) return { error: `${prefix}${name}: Permission denied\n`, status: 126 }
    return { error: `${prefix}${name}: cannot execute binary file: Exec format error\n`, status: 126 }
  }

  /** `ls A B …`: missing operands reported, files listed together, then each directory under its name. */
  function ls(args: string[], io: ShellIo): string {
    const flags = args.filter((a) => a.startsWith('-'))
    const paths = args.filter((a) => !a.startsWith('-'))
    if (paths.length <= 1) return lsOne(flags, paths, io)
    const at = now()
    const found = paths.filter((path) => {
      if (fs.stat(resolve(path), at)) return true
      io.err(`ls: cannot access '${path}': No such file or directory\n`)
      io.status(2)
      return false
    })
    const listed = (path: string) => !flags.join('').includes('d') && fs.list(resolve(path)) !== undefined
    const files = found.filter((path) => !listed(path)).sort()
    const dirs = found.filter(listed).sort()
    const parts: string[] = []
    if (files.length) {
      const long = flags.join('').includes('l')
      parts.push(
        long
          ? `${lsLines(
              files.map((path): [string, FileStat] => [path, fs.stat(resolve(path), at) as FileStat]),
              at,
              flags.join('').includes('h'),
            ).join('\n')}\n`
          : `${files.join(io.piped ? '\n' : '  ')}\n`,
      )
    }
    for (const dir of dirs) parts.push(`${dir}:\n${lsOne(flags, [dir], io)}`)
    return parts.join('\n')
  }

  function lsOne(flagArgs: string[], paths: string[], io: ShellIo): string {
    const flags = flagArgs.join('')
    const long = flags.includes('l')
    const all = flags.includes('a')
    const human = flags.includes('h')
    // Not to a terminal (a pipe, a file), ls prints one name per line.
    const oneColumn = io.piped || flags.includes('1')
    const target = resolve(paths[0] ?? '.')
    // -d: the directory itself, not its entries.
    const entries = flags.includes('d') ? undefined : fs.list(target)
    const at = now()
    if (!entries) {
      const stat = fs.stat(target, at)
      if (!stat) {
        io.err(`ls: cannot access '${paths[0]}': No such file or directory\n`)
        io.status(2)
        return ''
      }
      return long ? `${lsLines([[paths[0] ?? '.', stat]], at, human)[0]}\n` : `${paths[0] ?? '.'}\n`
    }
    const names = [...(all ? ['./', '../'] : []), ...entries.filter((e) => all || !e.startsWith('.'))]
    const shown = names.map((e) => e.replace(/\/$/, ''))
    if (!long) return shown.length ? `${shown.join(oneColumn ? '\n' : '  ')}\n` : ''
    const stats = shown.map((name): [string, FileStat] => [
      name,
      fs.stat(name === '.' ? target : name === '..' ? resolve(`${target}/..`) : `${target}/${name}`, at) ?? {
        dir: false,
        mode: '-rw-r--r--',
        links: 1,
        owner: 'root',
        group: 'root',
        size: 0,
        mtimeMs: at,
      },
    ])
    const blocks = stats.reduce((sum, [, stat]) => sum + (stat.link ? 0 : Math.ceil(stat.size / 4096) * 4), 0)
    return `total ${human ? humanBlocks(blocks) : blocks}\n${lsLines(stats, at, human).join('\n')}\n`
  }

  function lsLines(stats: [string, FileStat][], at: number, human = false): string[] {
    const tz = host.persona.timezone
    const sizeOf = (s: FileStat) => (human ? humanBytes(s.size) : String(s.size))
    if (busybox) {
      return stats.map(
        ([name, s]) =>
          `${s.mode} ${String(s.links).padStart(4)} ${s.owner.padEnd(8)} ${s.group.padEnd(8)} ${sizeOf(s).padStart(9)} ${lsDate(s.mtimeMs, at, tz)} ${name}${s.link ? ` -> ${s.link}` : ''}`,
      )
    }
    const width = (pick: (s: FileStat) => string) => Math.max(...stats.map(([, s]) => pick(s).length))
    const links = width((s) => String(s.links))
    const owner = width((s) => s.owner)
    const group = width((s) => s.group)
    const size = width(sizeOf)
    return stats.map(
      ([name, s]) =>
        `${s.mode} ${String(s.links).padStart(links)} ${s.owner.padEnd(owner)} ${s.group.padEnd(group)} ${sizeOf(s).padStart(size)} ${lsDate(s.mtimeMs, at, tz)} ${name}${s.link ? ` -> ${s.link}` : ''}`,
    )
  }

  return {
    get cwd() {
      return interpreter.cwd
    },
    prompt: () => {
      if (continued !== undefined) return '> '
      const sign = uid === 0 ? '#' : '$'
      const cwd = interpreter.cwd
      const shown = cwd === home ? '~' : cwd
      // Alpine's /etc/profile sets `\h:\w\$`; OpenWrt-based firmware keeps `\u@\h:\w\$`.
      if (busybox && host.persona.os.id === 'alpine') return `${host.hostname}:${shown}${sign} `
      if (rhelPrompt)
        return `[${user}@${host.hostname} ${cwd === home ? '~' : cwd.split('/').pop() || '/'}]${sign} `
      return `${user}@${host.hostname}:${shown}${sign} `
    },
    interrupt: () => {
      continued = undefined
    },
    run: (line) => {
      if (line.trim() !== '') typed.push(line.trim())
      const text = continued === undefined ? line : `${continued}\n${line}`
      continued = undefined
      if (options.interactive && text.length < MAX_CONTINUED_CHARS && interpreter.incomplete(text)) {
        continued = text
        return { output: '', exit: false, status: interpreter.status }
      }
      const printed: string[] = []
      const steps = interpreter.run(text, (out) => printed.push(out))
      const drive = (input: unknown): ShellOutcome => {
        const step = steps.next(input)
        const output = printed.splice(0).join('')
        if (step.done) return { output, exit: step.value.exit, status: step.value.status }
        return { output, exit: false, pending: step.value.then(drive, drive) }
      }
      return drive(undefined)
    },
  }
}

/** `ls -h` sizes: coreutils rounds up to one decimal below 10 (4.0K, 1.5M), whole units above. */
function humanBytes(bytes: number): string {
  if (bytes < 1024) return String(bytes)
  let value = bytes
  let unit = -1
  do {
    value /= 1024
    unit++
  } while (value >= 1024 && unit < 3)
  const shown = value < 10 ? (Math.ceil(value * 10) / 10).toFixed(1) : String(Math.ceil(value))
  return `${shown}${'KMGT'[unit]}`
}

function humanBlocks(kilobytes: number): string {
  return kilobytes === 0 ? '0' : humanBytes(kilobytes * 1024)
}

/** Longest command continued over `> ` prompts; past it the text runs (and fails) as it is. */
const MAX_CONTINUED_CHARS = 64 * 1024

/** `ps`: the distro's init and daemons, started at the boot (START), the caller's shell now. */
function ps(
  host: ShellHost,
  user: string,
  all: boolean,
  bootMs: number,
  nowMs: number,
  busybox: boolean,
): string {
  const random = host.random.fork('pids')
  const sshPid = random.int(600, 900)
  const myPid = random.fork('mine').int(2_000, 60_000)
  const { id } = host.persona.os
  const debianLike = id === 'debian' || id === 'ubuntu' || id === 'kali'
  const systemd = debianLike ? '/lib/systemd' : '/usr/lib/systemd'
  const sshd =
    id === 'ubuntu' && !host.persona.os.versionId.startsWith('20.')
      ? 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'
      : '/usr/sbin/sshd -D'
  if (busybox) {
    const firmware = host.persona.family === 'embedded'
    const dropbear = host.persona.services.ssh?.product === 'dropbear' || firmware
    const rows: [number, string, string][] = [
      [1, 'root', firmware ? '/sbin/procd' : '/sbin/init'],
      [2, 'root', '[kthreadd]'],
      [random.int(200, 400), 'root', firmware ? '/sbin/logd -S 64' : '/sbin/syslogd -t -n'],
      [random.int(400, 500), 'root', firmware ? '/sbin/netifd' : '/sbin/acpid -f'],
      [
        random.int(500, 580),
        'root',
        firmware ? '/usr/sbin/crond -f -c /etc/crontabs -l 5' : '/usr/sbin/crond -c /etc/crontabs -f',
      ],
      [
        sshPid,
        'root',
        dropbear
          ? '/usr/sbin/dropbear -F -P /var/run/dropbear.1.pid -p 22 -K 300 -T 3'
          : 'sshd: /usr/sbin/sshd [listener] 0 of 10-100 startups',
      ],
      [myPid, user, '-ash'],
      [myPid + 3, user, 'ps'],
    ]
    return `PID   USER     TIME  COMMAND\n${rows.map(([pid, owner, cmd]) => `${String(pid).padStart(5)} ${owner.padEnd(8)}  0:00 ${cmd}`).join('\n')}\n`
  }
  const rows = [
    [
      'root',
      1,
      debianLike ? '/sbin/init' : '/usr/lib/systemd/systemd --switched-root --system --deserialize 31',
    ],
    ['root', 2, '[kthreadd]'],
    ['root', 412, `${systemd}/systemd-journald`],
    ['root', 455, `${systemd}/systemd-udevd`],
    ...(id === 'ubuntu' ? [['systemd+', 580, `${systemd}/systemd-networkd`] as const] : []),
    ['root', sshPid, sshd],
    ['root', sshPid + 41, debianLike ? '/usr/sbin/cron -f' : '/usr/sbin/crond -n'],
    ...(id === 'ubuntu' ? [['syslog', sshPid + 52, '/usr/sbin/rsyslogd -n -iNONE'] as const] : []),
    [user, myPid, '-bash'],
  ] as const
  if (!all) {
    return `    PID TTY          TIME CMD\n${String(myPid).padStart(7)} pts/0    00:00:00 bash\n${String(myPid + 1).padStart(7)} pts/0    00:00:00 ps\n`
  }
  const tz = host.persona.timezone
  // procps: HH:MM for today's processes, MmmDD within the year, the year beyond.
  const start = (ms: number) => {
    const t = localTime(ms, tz)
    if (nowMs - ms < 86_400_000)
      return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`
    return nowMs - ms < 365 * 86_400_000 ? `${t.monthName}${String(t.day).padStart(2, '0')}` : String(t.year)
  }
  const header = 'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND'
  const lines = rows.map(([owner, pid, cmd]) => {
    const mine = cmd === '-bash'
    const tty = mine ? 'pts/0   ' : '?       '
    return `${owner.padEnd(8)} ${String(pid).padStart(7)}  0.0  0.${pid % 7} ${String(10_000 + ((pid * 97) % 90_000)).padStart(6)} ${String(1_000 + ((pid * 31) % 9_000)).padStart(5)} ${tty} Ss   ${start(mine ? nowMs : bootMs + pid * 10).padEnd(5)}   0:0${pid % 10} ${cmd}`
  })
  return `${header}\n${lines.join('\n')}\n`
}

/** Writes a command line's output as it comes (a download finishing later); resolves to the last outcome. */
export async function settle(outcome: ShellOutcome, write: (text: string) => void): Promise<ShellOutcome> {
  let current = outcome
  write(current.output)
  while (current.pending) {
    current = await current.pending
    write(current.output)
  }
  return current
}
