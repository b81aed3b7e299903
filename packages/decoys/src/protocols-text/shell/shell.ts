import type { Fields } from '../../framework/tcp.ts'
import { type CommandSequence, parseCommandLine } from './command-line.ts'
import { crontabCommand, isCronPath } from './cron-commands.ts'
import { dateCommand } from './date-command.ts'
import { type Downloader, sessionDownloader } from './downloads.ts'
import { accountsOf, buildFilesystem, type FileStat, normalize } from './filesystem.ts'
import { localTime, lsDate } from './local-time.ts'
import type { ShellHost } from './persona.ts'
import { lastBootMs } from './persona-facts.ts'
import { procReader } from './proc.ts'
import { withSessionFiles } from './session-files.ts'
import { free, hostname, lscpu, nproc, type ShellSessionInfo, uname, uptime, w } from './system-commands.ts'
import { hostTimeline } from './timeline.ts'
import { type CommandIo, type CommandRun, curl, type TransferContext, wget } from './transfer-commands.ts'

/**
 * A fake shell: answers the reconnaissance commands intruders run first with output that comes from
 * the decky's persona (bash on GNU distros, ash on busybox ones) and says "not found" to the rest.
 * It never executes anything; `wget`/`curl` really fetch (when given a downloader) so the sample can
 * be hashed, and what the intruder writes (`>`, `>>`, downloads, crontab) lasts for the session.
 */
export type FakeShell = {
  prompt(): string
  /** Runs one command line; `exit` is true when the session should end. */
  run(line: string): ShellOutcome
  readonly cwd: string
}

/**
 * What a command line printed so far. When it waits on the network (a download), `pending` brings
 * the rest of the line's output once it is done; the caller shows the next prompt only then.
 */
export type ShellOutcome = { output: string; exit: boolean; pending?: Promise<ShellOutcome> }

type Command = (args: string[], io: CommandIo) => string | CommandRun

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
}

export function createShell(host: ShellHost, user: string, options: ShellOptions = {}): FakeShell {
  const now = options.now ?? Date.now
  const timeline = hostTimeline(host.persona, host.sinceMs)
  const proc = procReader(host.persona, host.kernel, options.jitter)
  const fs = withSessionFiles(buildFilesystem(host, user, proc, timeline))
  const emit = options.emit ?? (() => undefined)
  const busybox = host.userland === 'busybox'
  const rhelPrompt = !busybox && !['debian', 'ubuntu', 'kali'].includes(host.persona.os.id)
  const session: ShellSessionInfo = {
    from: options.session?.from ?? '-',
    loginMs: options.session?.loginMs ?? now(),
  }
  const home = user === 'root' ? '/root' : `/home/${user}`
  const uid = user === 'root' ? 0 : 1000 + accountsOf(host, user).indexOf(user)
  const shellName = busybox ? 'ash' : 'bash'
  let cwd = home
  const typed: string[] = []
  const resolve = (path: string) => {
    const expanded = path === '~' || path.startsWith('~/') ? `${home}${path.slice(1)}` : path
    return normalize(expanded.startsWith('/') ? expanded : `${cwd}/${expanded}`)
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
  const crontab = crontabCommand({ busybox, user, fs, resolve: (path) => resolve(path), now, emit })
  const commands: Record<string, Command> = {
    whoami: () => `${user}\n`,
    id: () => {
      const admin =
        host.persona.os.id === 'debian' || host.persona.os.id === 'ubuntu' ? '27(sudo)' : '10(wheel)'
      const groups = uid === 0 ? '0(root)' : `${uid}(${user}),4(adm),${admin}`
      return `uid=${uid}(${user}) gid=${uid}(${user}) groups=${groups}\n`
    },
    hostname: (args) => hostname(host, args),
    pwd: () => `${cwd}\n`,
    uname: (args) => uname(host, args),
    echo: (args) => (args[0] === '-n' ? args.slice(1).join(' ') : `${args.join(' ')}\n`),
    date: (args) => dateCommand(args, now(), host.persona.timezone),
    cd: (args) => {
      const target = resolve(args[0] ?? home)
      if (!fs.list(target)) return `-${shellName}: cd: ${args[0]}: No such file or directory\n`
      cwd = target
      return ''
    },
    ls: (args) => ls(args),
    cat: (args) =>
      args
        .filter((a) => !a.startsWith('-'))
        .map((path) => {
          const target = resolve(path)
          const stat = fs.stat(target, now())
          if (stat && uid !== 0 && stat.owner !== user && /^-r[w-]-------|^-rw-r-----/.test(stat.mode))
            return `cat: ${path}: Permission denied\n`
          if (fs.list(target)) return `cat: ${path}: Is a directory\n`
          return fs.read(target, now()) ?? `cat: ${path}: No such file or directory\n`
        })
        .join(''),
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
    chmod: (args, io) => {
      const mode = args.find((a) => !a.startsWith('-'))
      for (const path of args.filter((a) => !a.startsWith('-') && a !== mode)) {
        if (fs.chmod(resolve(path), /x|[1357]/.test(mode ?? ''))) continue
        if (!fs.stat(resolve(path), now()))
          io.err(`chmod: cannot access '${path}': No such file or directory\n`)
        else if (uid !== 0) io.err(`chmod: changing permissions of '${path}': Operation not permitted\n`)
      }
      return ''
    },
    // A script piped in (`curl … | sh`) or named is read, never run.
    sh: () => '',
    bash: () => '',
    ifconfig: () => ifconfig(host),
    ip: (args) =>
      args[0]?.startsWith('a') ? ipAddr(host) : 'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n',
    w: () => w(host, user, now(), session),
    uptime: (args) => uptime(host, args, now()),
    free: (args) => free(host, args, proc, now()),
    nproc: () => nproc(host),
    // bash loads ~/.bash_history at login and appends this session's lines.
    history: () => {
      const saved = (fs.read(`${home}/.${busybox ? 'ash' : 'bash'}_history`, now()) ?? '')
        .split('\n')
        .filter(Boolean)
      return [...saved, ...typed]
        .map((line, index) => `${String(index + 1).padStart(busybox ? 4 : 5)}  ${line}`)
        .join('\n')
        .concat('\n')
    },
    clear: () => '\u001b[H\u001b[2J',
    true: () => '',
    export: () => '',
    unset: () => '',
    sudo: () => `[sudo] password for ${user}: \nSorry, try again.\n`,
  }
  if (!busybox) commands.lscpu = () => lscpu(host, proc)
  // Alpine has no sudo until someone installs it.
  if (busybox) delete commands.sudo
  if (busybox) delete commands.bash
  const env: Record<string, string> = {
    HOME: home,
    USER: user,
    LOGNAME: user,
    SHELL: busybox ? '/bin/ash' : '/bin/bash',
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: host.hostname,
    TERM: 'xterm-256color',
  }
  const notFound = (name: string) =>
    busybox ? `-ash: ${name}: not found\n` : `-bash: ${name}: command not found\n`

  /** `./xmrig`: a file this session saved answers as a foreign binary would; nothing runs. */
  function runFile(name: string): string | undefined {
    if (!name.includes('/')) return undefined
    const stat = fs.stat(resolve(name), now())
    if (!stat || stat.dir) return undefined
    const shell = busybox ? '-ash' : '-bash'
    if (!stat.mode.includes('x')) return `${shell}: ${name}: Permission denied\n`
    return `${shell}: ${name}: cannot execute binary file: Exec format error\n`
  }

  function mayWrite(path: string): boolean {
    return uid === 0 || path.startsWith(`${home}/`) || /^\/(tmp|var\/tmp|dev\/shm)\//.test(path)
  }

  /** Writes a redirection's text; an error line when the shell could not. */
  function redirectTo(target: string, text: string, append: boolean): string {
    if (target === '/dev/null' || target === '') return ''
    const path = resolve(target)
    if (!mayWrite(path)) return `-${shellName}: ${target}: Permission denied\n`
    if (!fs.writeText(path, text, append, user, now())) {
      return fs.list(path)
        ? `-${shellName}: ${target}: Is a directory\n`
        : `-${shellName}: ${target}: No such file or directory\n`
    }
    if (isCronPath(path)) {
      const jobs = text.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
      emit('cron_job', { username: user, via: 'file', source: path, jobs: jobs.join('\n') })
    }
    return ''
  }

  /** Runs a parsed line; output goes to `out`. Returns true when the session should end. */
  function* execute(
    sequence: CommandSequence,
    out: (text: string) => void,
  ): Generator<Promise<unknown>, boolean, unknown> {
    for (const pipeline of sequence) {
      let stdin = ''
      for (const [index, stage] of pipeline.entries()) {
        const last = index === pipeline.length - 1
        const stdoutTo = stage.redirects.find((r) => r.fd === 1)
        const stderrTo = stage.redirects.find((r) => r.fd === 2)
        let stdout = ''
        let stderr = ''
        const io: CommandIo = {
          stdin,
          piped: !last || stdoutTo !== undefined,
          err: (text) => (stderr += text),
        }
        if (stage.kind === 'group') {
          yield* execute(stage.body, (text) => (stdout += text))
        } else {
          const [name = '', ...args] = stage.argv
          if (name === 'exit' || name === 'logout') return true
          const command = commands[name.replace(/^.*\//, '')]
          if (command) {
            const result = command(args, io)
            stdout = typeof result === 'string' ? result : yield* result
          } else {
            const file = runFile(name)
            if (file !== undefined) stderr += file
            // An unknown filter mid-pipeline (grep, head …) passes its input on rather than failing.
            else if (index > 0) stdout = stdin
            else stderr += notFound(name)
          }
        }
        if (stderrTo && 'append' in stderrTo) {
          if (stderrTo.target === '&1') stdout += stderr
          else out(redirectTo(stderrTo.target, stderr, stderrTo.append))
        } else out(stderr)
        if (stdoutTo && 'append' in stdoutTo) {
          out(redirectTo(stdoutTo.target, stdout, stdoutTo.append))
          stdout = ''
        }
        if (last) out(stdout)
        else stdin = stdout
      }
    }
    return false
  }

  function ls(args: string[]): string {
    const flags = args.filter((a) => a.startsWith('-')).join('')
    const long = flags.includes('l')
    const all = flags.includes('a')
    const paths = args.filter((a) => !a.startsWith('-'))
    const target = resolve(paths[0] ?? '.')
    const entries = fs.list(target)
    const at = now()
    if (!entries) {
      const stat = fs.stat(target, at)
      if (!stat) return `ls: cannot access '${paths[0]}': No such file or directory\n`
      return long ? `${lsLines([[paths[0] ?? '', stat]], at)[0]}\n` : `${paths[0]}\n`
    }
    const names = [...(all ? ['./', '../'] : []), ...entries.filter((e) => all || !e.startsWith('.'))]
    const shown = names.map((e) => e.replace(/\/$/, ''))
    if (!long) return shown.length ? `${shown.join('  ')}\n` : ''
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
    return `total ${blocks}\n${lsLines(stats, at).join('\n')}\n`
  }

  function lsLines(stats: [string, FileStat][], at: number): string[] {
    const tz = host.persona.timezone
    if (busybox) {
      return stats.map(
        ([name, s]) =>
          `${s.mode} ${String(s.links).padStart(4)} ${s.owner.padEnd(8)} ${s.group.padEnd(8)} ${String(s.size).padStart(9)} ${lsDate(s.mtimeMs, at, tz)} ${name}${s.link ? ` -> ${s.link}` : ''}`,
      )
    }
    const width = (pick: (s: FileStat) => string) => Math.max(...stats.map(([, s]) => pick(s).length))
    const links = width((s) => String(s.links))
    const owner = width((s) => s.owner)
    const group = width((s) => s.group)
    const size = width((s) => String(s.size))
    return stats.map(
      ([name, s]) =>
        `${s.mode} ${String(s.links).padStart(links)} ${s.owner.padEnd(owner)} ${s.group.padEnd(group)} ${String(s.size).padStart(size)} ${lsDate(s.mtimeMs, at, tz)} ${name}${s.link ? ` -> ${s.link}` : ''}`,
    )
  }

  return {
    get cwd() {
      return cwd
    },
    prompt: () => {
      const sign = uid === 0 ? '#' : '$'
      const shown = cwd === home ? '~' : cwd
      // Alpine's /etc/profile sets `\h:\w\$`; OpenWrt-based firmware keeps `\u@\h:\w\$`.
      if (busybox && host.persona.os.id === 'alpine') return `${host.hostname}:${shown}${sign} `
      if (rhelPrompt)
        return `[${user}@${host.hostname} ${cwd === home ? '~' : cwd.split('/').pop() || '/'}]${sign} `
      return `${user}@${host.hostname}:${shown}${sign} `
    },
    run: (line) => {
      if (line.trim() !== '') typed.push(line.trim())
      const printed: string[] = []
      const steps = execute(parseCommandLine(line, { ...env, PWD: cwd }), (text) => printed.push(text))
      const drive = (input: unknown): ShellOutcome => {
        const step = steps.next(input)
        const output = printed.splice(0).join('')
        if (step.done) return { output, exit: step.value }
        return { output, exit: false, pending: step.value.then(drive, drive) }
      }
      return drive(undefined)
    },
  }
}

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

function ifconfig(persona: ShellHost): string {
  return `eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n        inet ${persona.ip}  netmask 255.255.255.0\n        ether ${persona.mac}  txqueuelen 1000  (Ethernet)\n\nlo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536\n        inet 127.0.0.1  netmask 255.0.0.0\n        loop  txqueuelen 1000  (Local Loopback)\n\n`
}

function ipAddr(persona: ShellHost): string {
  return `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n    link/ether ${persona.mac} brd ff:ff:ff:ff:ff:ff\n    inet ${persona.ip}/24 brd ${persona.ip.replace(/\.\d+$/, '.255')} scope global eth0\n       valid_lft forever preferred_lft forever\n`
}

/** Writes a command line's output as it comes (a download finishing later); resolves to `exit`. */
export async function settle(outcome: ShellOutcome, write: (text: string) => void): Promise<boolean> {
  let current = outcome
  write(current.output)
  while (current.pending) {
    current = await current.pending
    write(current.output)
  }
  return current.exit
}
