import { accountsOf, buildFilesystem, type FileStat, normalize } from './filesystem.ts'
import { dateOutput, localTime, lsDate } from './local-time.ts'
import type { ShellHost } from './persona.ts'
import { lastBootMs } from './persona-facts.ts'
import { procReader } from './proc.ts'
import { free, hostname, lscpu, nproc, type ShellSessionInfo, uname, uptime, w } from './system-commands.ts'
import { hostTimeline } from './timeline.ts'

/**
 * A fake shell: answers the reconnaissance commands intruders run first with output that comes from
 * the decky's persona (bash on GNU distros, ash on busybox ones) and says "not found" to the rest.
 * It never executes anything.
 */
export type FakeShell = {
  prompt(): string
  /** Runs one command line; `exit` is true when the session should end. */
  run(line: string): { output: string; exit: boolean }
  readonly cwd: string
}

export type ShellOptions = {
  /** The wall clock (tests move it to see uptime and load advance). */
  now?: () => number
  /** Per-read noise source in [0, 1) (cpufreq, memory): Math.random unless a test pins it. */
  jitter?: () => number
  /** Where the session comes from, as `w` shows it. */
  session?: Partial<ShellSessionInfo>
}

export function createShell(host: ShellHost, user: string, options: ShellOptions = {}): FakeShell {
  const now = options.now ?? Date.now
  const timeline = hostTimeline(host.persona, host.sinceMs)
  const proc = procReader(host.persona, host.kernel, options.jitter)
  const fs = buildFilesystem(host, user, proc, timeline)
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

  const commands: Record<string, (args: string[]) => string> = {
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
    echo: (args) => `${args.join(' ')}\n`,
    date: () => `${dateOutput(now(), host.persona.timezone)}\n`,
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
    // No egress and no resolver, as on many internal hosts: downloads fail the way real tools say.
    curl: (args) => {
      const target = urlHost(args)
      return target
        ? `curl: (6) Could not resolve host: ${target}\n`
        : "curl: try 'curl --help' for more information\n"
    },
    wget: (args) => {
      const target = urlHost(args)
      if (busybox)
        return target
          ? `wget: bad address '${target}'\n`
          : 'BusyBox v1.36.1 (2023-11-07 18:53:09 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n'
      return target
        ? `--${isoLocal(now(), host.persona.timezone)}--  ${args.find((a) => !a.startsWith('-'))}\nResolving ${target} (${target})... failed: Temporary failure in name resolution.\nwget: unable to resolve host address '${target}'\n`
        : 'wget: missing URL\nUsage: wget [OPTION]... [URL]...\n'
    },
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
      let output = ''
      if (line.trim() !== '') typed.push(line.trim())
      // Sequences (`;`, `&&`, `||`) run in turn; in a pipeline only the first stage answers.
      for (const part of line.split(/;|&&|\|\|/)) {
        const stage = part.split('|')[0]?.trim() ?? ''
        if (stage === '') continue
        const [name = '', ...args] = stage.split(/\s+/)
        if (name === 'exit' || name === 'logout') return { output, exit: true }
        const command = commands[name.replace(/^.*\//, '')]
        output += command
          ? command(args)
          : busybox
            ? `-ash: ${name}: not found\n`
            : `-bash: ${name}: command not found\n`
      }
      return { output, exit: false }
    },
  }
}

function isoLocal(nowMs: number, timeZone: string): string {
  const t = localTime(nowMs, timeZone)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`
}

function urlHost(args: string[]): string | undefined {
  const url = args.find((a) => !a.startsWith('-'))
  if (!url) return undefined
  return url.replace(/^[a-z]+:\/\//i, '').split(/[/:?#]/)[0] || undefined
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
