import { buildFilesystem, normalize } from './filesystem.ts'
import type { Persona } from './persona.ts'

/**
 * A fake bash: answers the reconnaissance commands intruders run first with persona-consistent
 * output and says "command not found" to the rest. It never executes anything.
 */
export type FakeShell = {
  prompt(): string
  /** Runs one command line; `exit` is true when the session should end. */
  run(line: string): { output: string; exit: boolean }
  readonly cwd: string
}

export function createShell(persona: Persona, user: string): FakeShell {
  const fs = buildFilesystem(persona, user)
  const home = user === 'root' ? '/root' : `/home/${user}`
  const uid = user === 'root' ? 0 : 1000 + Math.max(0, persona.humanUsers.indexOf(user))
  let cwd = home
  const resolve = (path: string) =>
    normalize(path.startsWith('/') ? path : `${cwd}/${path.replace(/^~/, home)}`)

  const commands: Record<string, (args: string[]) => string> = {
    whoami: () => `${user}\n`,
    id: () => {
      const groups = uid === 0 ? '0(root)' : `${uid}(${user}),4(adm),27(sudo)`
      return `uid=${uid}(${user}) gid=${uid}(${user}) groups=${groups}\n`
    },
    hostname: () => `${persona.hostname}\n`,
    pwd: () => `${cwd}\n`,
    uname: (args) => uname(persona, args),
    echo: (args) => `${args.join(' ')}\n`,
    cd: (args) => {
      const target = resolve(args[0] ?? home)
      if (!fs.list(target)) return `-bash: cd: ${args[0]}: No such file or directory\n`
      cwd = target
      return ''
    },
    ls: (args) => {
      const long = args.some((a) => a.startsWith('-') && a.includes('l'))
      const all = args.some((a) => a.startsWith('-') && a.includes('a'))
      const paths = args.filter((a) => !a.startsWith('-'))
      const target = resolve(paths[0] ?? '.')
      const entries = fs.list(target)
      if (!entries) {
        return fs.read(target) !== undefined
          ? `${paths[0]}\n`
          : `ls: cannot access '${paths[0]}': No such file or directory\n`
      }
      const shown = entries.filter((e) => all || !e.startsWith('.')).map((e) => e.replace(/\/$/, ''))
      if (!long) return shown.length ? `${shown.join('  ')}\n` : ''
      const lines = shown.map((name) => {
        const dir = entries.includes(`${name}/`)
        const size = dir ? 4096 : (fs.read(`${target}/${name}`)?.length ?? 0)
        const owner = target.startsWith('/home/') ? target.split('/')[2] : 'root'
        return `${dir ? 'drwxr-xr-x' : '-rw-r--r--'} ${dir ? 2 : 1} ${owner} ${owner} ${String(size).padStart(5)} Mar 14 09:12 ${name}`
      })
      return `total ${lines.length * 4}\n${lines.join('\n')}\n`
    },
    cat: (args) =>
      args
        .filter((a) => !a.startsWith('-'))
        .map((path) => {
          const target = resolve(path)
          if (target === '/etc/shadow' && uid !== 0) return `cat: ${path}: Permission denied\n`
          if (fs.list(target)) return `cat: ${path}: Is a directory\n`
          return fs.read(target) ?? `cat: ${path}: No such file or directory\n`
        })
        .join(''),
    ps: (args) =>
      ps(
        persona,
        user,
        args.some((a) => /^-?(aux|ef|e|ax)$/.test(a)),
      ),
    // No egress and no resolver, as on many internal hosts: downloads fail the way real tools say.
    curl: (args) => {
      const host = urlHost(args)
      return host
        ? `curl: (6) Could not resolve host: ${host}\n`
        : "curl: try 'curl --help' for more information\n"
    },
    wget: (args) => {
      const host = urlHost(args)
      return host
        ? `--${new Date().toISOString().slice(0, 19).replace('T', ' ')}--  ${args.find((a) => !a.startsWith('-'))}\nResolving ${host} (${host})... failed: Temporary failure in name resolution.\nwget: unable to resolve host address '${host}'\n`
        : 'wget: missing URL\nUsage: wget [OPTION]... [URL]...\n'
    },
    ifconfig: () => ifconfig(persona),
    ip: (args) =>
      args[0]?.startsWith('a') ? ipAddr(persona) : 'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n',
    w: () => `${clock()} up ${persona.uptimeDays} days,  1 user,  load average: 0.08, 0.03, 0.01\n`,
    uptime: () => ` ${clock()} up ${persona.uptimeDays} days,  1 user,  load average: 0.08, 0.03, 0.01\n`,
    free: () => {
      const total = persona.memTotalKb
      const used = Math.floor(total * 0.38)
      return `               total        used        free      shared  buff/cache   available\nMem:      ${String(total).padStart(10)} ${String(used).padStart(11)} ${String(Math.floor(total * 0.31)).padStart(11)}        2044 ${String(total - used - Math.floor(total * 0.31)).padStart(11)} ${String(Math.floor(total * 0.62)).padStart(11)}\nSwap:              0           0           0\n`
    },
    history: () => '',
    clear: () => '\u001b[H\u001b[2J',
    true: () => '',
    export: () => '',
    unset: () => '',
    sudo: () => `[sudo] password for ${user}: \nSorry, try again.\n`,
  }

  return {
    get cwd() {
      return cwd
    },
    prompt: () => {
      const shown = cwd === home ? '~' : cwd
      return `${user}@${persona.hostname}:${shown}${uid === 0 ? '#' : '$'} `
    },
    run: (line) => {
      let output = ''
      // Sequences (`;`, `&&`, `||`) run in turn; in a pipeline only the first stage answers.
      for (const part of line.split(/;|&&|\|\|/)) {
        const stage = part.split('|')[0]?.trim() ?? ''
        if (stage === '') continue
        const [name = '', ...args] = stage.split(/\s+/)
        if (name === 'exit' || name === 'logout') return { output, exit: true }
        const command = commands[name.replace(/^.*\//, '')]
        output += command ? command(args) : `-bash: ${name}: command not found\n`
      }
      return { output, exit: false }
    },
  }
}

function clock(): string {
  return new Date().toISOString().slice(11, 19)
}

function uname(persona: Persona, args: string[]): string {
  const flags = args.join('')
  const parts = {
    s: 'Linux',
    n: persona.hostname,
    r: persona.kernel,
    v: kernelBuild(persona),
    m: 'x86_64',
    o: 'GNU/Linux',
  }
  if (flags.includes('a'))
    return `${[parts.s, parts.n, parts.r, parts.v, parts.m, parts.m, parts.m, parts.o].join(' ')}\n`
  const chosen = (Object.keys(parts) as (keyof typeof parts)[]).filter((k) => flags.includes(k))
  return `${(chosen.length ? chosen : (['s'] as const)).map((k) => parts[k]).join(' ')}\n`
}

function kernelBuild(persona: Persona): string {
  const random = persona.random.fork('build')
  const built = new Date(
    Date.UTC(
      2024,
      random.int(0, 11),
      random.int(1, 28),
      random.int(0, 23),
      random.int(0, 59),
      random.int(0, 59),
    ),
  )
  // `date`'s default format, as the kernel build stamps it: day of month space-padded.
  const day = String(built.getUTCDate()).padStart(2, ' ')
  const stamp = built.toUTCString().replace(/^(\w+), \d+ (\w+) (\d+) ([\d:]+) GMT$/, `$1 $2 ${day} $4 UTC $3`)
  switch (persona.distro) {
    case 'ubuntu22':
    case 'ubuntu20':
      return `#${random.int(90, 120)}-Ubuntu SMP ${stamp}`
    case 'debian':
      return `#1 SMP PREEMPT_DYNAMIC Debian ${persona.kernel.replace(/-\d+-amd64$/, '')}-1 (${built.toISOString().slice(0, 10)})`
    default:
      return `#1 SMP PREEMPT_DYNAMIC ${stamp}`
  }
}

function urlHost(args: string[]): string | undefined {
  const url = args.find((a) => !a.startsWith('-'))
  if (!url) return undefined
  return url.replace(/^[a-z]+:\/\//i, '').split(/[/:?#]/)[0] || undefined
}

function ps(persona: Persona, user: string, all: boolean): string {
  const sshPid = persona.random.fork('pids').int(600, 900)
  const rows = [
    ['root', 1, '/sbin/init'],
    ['root', 2, '[kthreadd]'],
    ['root', 412, '/lib/systemd/systemd-journald'],
    ['root', 455, '/lib/systemd/systemd-udevd'],
    ['systemd+', 580, '/lib/systemd/systemd-networkd'],
    ['root', sshPid, 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
    ['root', sshPid + 41, '/usr/sbin/cron -f'],
    ['syslog', sshPid + 52, '/usr/sbin/rsyslogd -n -iNONE'],
    [user, persona.random.fork('mypid').int(2_000, 60_000), '-bash'],
  ] as const
  if (!all) {
    const shell = rows[rows.length - 1]?.[1] ?? 2000
    return `    PID TTY          TIME CMD\n${String(shell).padStart(7)} pts/0    00:00:00 bash\n${String(shell + 1).padStart(7)} pts/0    00:00:00 ps\n`
  }
  const header = 'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND'
  const lines = rows.map(([owner, pid, cmd]) => {
    const tty = cmd === '-bash' ? 'pts/0   ' : '?       '
    return `${owner.padEnd(8)} ${String(pid).padStart(7)}  0.0  0.${pid % 7} ${String(10_000 + ((pid * 97) % 90_000)).padStart(6)} ${String(1_000 + ((pid * 31) % 9_000)).padStart(5)} ${tty} Ss   ${cmd === '-bash' ? clock().slice(0, 5) : 'Mar14'}   0:0${pid % 10} ${cmd}`
  })
  return `${header}\n${lines.join('\n')}\n`
}

function ifconfig(persona: Persona): string {
  return `eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n        inet ${persona.ip}  netmask 255.255.255.0\n        ether ${persona.mac}  txqueuelen 1000  (Ethernet)\n\nlo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536\n        inet 127.0.0.1  netmask 255.0.0.0\n        loop  txqueuelen 1000  (Local Loopback)\n\n`
}

function ipAddr(persona: Persona): string {
  return `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n    link/ether ${persona.mac} brd ff:ff:ff:ff:ff:ff\n    inet ${persona.ip}/24 brd ${persona.ip.replace(/\.\d+$/, '.255')} scope global eth0\n       valid_lft forever preferred_lft forever\n`
}
