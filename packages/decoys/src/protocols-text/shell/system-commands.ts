import { clockOf, localTime } from './local-time.ts'
import { fqdnOf } from './os-files.ts'
import type { ShellHost } from './persona.ts'
import { lastBootMs, loadAt, uptimeAt } from './persona-facts.ts'
import { isVirtual, type MemorySnapshot, type ProcReader } from './proc.ts'

/**
 * The commands that report the machine itself (uname, hostname, uptime, w, free, nproc, lscpu),
 * each in the output style of the persona's userland (GNU coreutils/procps or busybox).
 */

/** `uname`: GNU prints -p/-i only where the distro patches them in (Ubuntu, RHEL family). */
export function uname(host: ShellHost, args: string[]): string {
  const busybox = host.userland === 'busybox'
  const { id } = host.persona.os
  const arch = host.persona.os.arch
  const patched = ['ubuntu', 'rocky', 'centos', 'rhel', 'almalinux', 'fedora'].includes(id)
  const bsd = host.persona.family === 'bsd'
  const parts = {
    s: bsd ? 'FreeBSD' : 'Linux',
    n: host.hostname,
    r: host.kernel,
    v: host.persona.os.kernelVersion,
    m: arch,
    p: patched ? arch : 'unknown',
    i: patched ? arch : 'unknown',
    o: busybox ? 'Linux' : 'GNU/Linux',
  }
  const long: Record<string, keyof typeof parts | 'a'> = {
    '--all': 'a',
    '--kernel-name': 's',
    '--nodename': 'n',
    '--kernel-release': 'r',
    '--kernel-version': 'v',
    '--machine': 'm',
    '--processor': 'p',
    '--hardware-platform': 'i',
    '--operating-system': 'o',
  }
  const chosen = new Set<string>()
  for (const arg of args) {
    const flag = long[arg]
    if (flag) chosen.add(flag)
    else if (/^-[a-z]+$/.test(arg)) {
      for (const letter of arg.slice(1)) {
        if (!'asnrvmpio'.includes(letter)) {
          return busybox
            ? `uname: unrecognized option: ${letter}\nBusyBox v1.36.1 (2023-11-07 18:53:09 UTC) multi-call binary.\n\nUsage: uname [-amnrspvio]\n`
            : `uname: invalid option -- '${letter}'\nTry 'uname --help' for more information.\n`
        }
        chosen.add(letter)
      }
    } else if (arg.startsWith('-')) {
      return `uname: unrecognized option '${arg}'\nTry 'uname --help' for more information.\n`
    } else return `uname: extra operand '${arg}'\nTry 'uname --help' for more information.\n`
  }
  const order = ['s', 'n', 'r', 'v', 'm', 'p', 'i', 'o'] as const
  if (chosen.has('a')) {
    // -a leaves out -p/-i when they are unknown (GNU), and always on busybox.
    const shown = order.filter((k) => !(k === 'p' || k === 'i') || (!busybox && parts[k] !== 'unknown'))
    return `${shown.map((k) => parts[k]).join(' ')}\n`
  }
  const shown = order.filter((k) => chosen.has(k))
  return `${(shown.length ? shown : (['s'] as const)).map((k) => parts[k]).join(' ')}\n`
}

export function hostname(host: ShellHost, args: string[]): string {
  const domain = host.persona.domain?.dns ?? ''
  switch (args[0]) {
    case '-f':
    case '--fqdn':
    case '--long':
      return `${fqdnOf(host)}\n`
    case '-d':
    case '--domain':
      return `${domain}\n`
    case '-s':
    case '--short':
      return `${host.hostname}\n`
    case '-i':
    case '--ip-address':
      return `${host.ip}\n`
    case '-I':
    case '--all-ip-addresses':
      return `${host.ip} \n`
    default:
      return `${host.hostname}\n`
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** The first line of `uptime` and `w`: procps' and busybox's layout. */
export function uptimeLine(host: ShellHost, nowMs: number, users: number): string {
  const up = Math.floor(uptimeAt(host.persona, nowMs))
  const days = Math.floor(up / 86_400)
  const hours = Math.floor((up % 86_400) / 3_600)
  const minutes = Math.floor((up % 3_600) / 60)
  const load = loadAt(host.persona, nowMs)
    .map((l) => l.toFixed(2))
    .join(', ')
  const clock = clockOf(localTime(nowMs, host.persona.timezone))
  const dayPart = days ? `${plural(days, 'day')}, ` : ''
  const timePart = hours
    ? `${String(hours).padStart(2)}:${String(minutes).padStart(2, '0')}`
    : `${minutes} min`
  // procps prints `%2d user`, busybox `,  %u users`: the same for fewer than ten sessions.
  const who = host.userland === 'busybox' ? ` ${users}` : String(users).padStart(2)
  return ` ${clock} up ${dayPart}${timePart}, ${who} user${users === 1 ? '' : 's'},  load average: ${load}\n`
}

export function uptime(host: ShellHost, args: string[], nowMs: number): string {
  if (host.userland !== 'busybox') {
    if (args.includes('-s') || args.includes('--since')) {
      const boot = localTime(lastBootMs(host.persona, nowMs), host.persona.timezone)
      const two = (n: number) => String(n).padStart(2, '0')
      return `${boot.year}-${two(boot.month)}-${two(boot.day)} ${clockOf(boot)}\n`
    }
    if (args.includes('-p') || args.includes('--pretty')) {
      const up = Math.floor(uptimeAt(host.persona, nowMs) / 60)
      const weeks = Math.floor(up / 10_080)
      const days = Math.floor((up % 10_080) / 1_440)
      const hours = Math.floor((up % 1_440) / 60)
      const minutes = up % 60
      const parts = [
        weeks && plural(weeks, 'week'),
        days && plural(days, 'day'),
        hours && plural(hours, 'hour'),
        (minutes || up === 0) && plural(minutes, 'minute'),
      ].filter(Boolean)
      return `up ${parts.join(', ')}\n`
    }
  }
  return uptimeLine(host, nowMs, 1)
}

/** `w`: the uptime line and the caller's own session. */
export function w(host: ShellHost, user: string, nowMs: number, session: ShellSessionInfo): string {
  const login = localTime(session.loginMs, host.persona.timezone)
  const loginAt = `${String(login.hour).padStart(2, '0')}:${String(login.minute).padStart(2, '0')}`
  if (host.userland === 'busybox') {
    return `${uptimeLine(host, nowMs, 1)}USER       TTY        IDLE   TIME  HOST\n${user.padEnd(10)} pts/0      0:00   0:00  ${session.from}\n`
  }
  return `${uptimeLine(host, nowMs, 1)}USER     TTY      FROM             LOGIN@   IDLE   JCPU   PCPU WHAT\n${user.slice(0, 8).padEnd(8)} pts/0    ${session.from.slice(0, 16).padEnd(16)} ${loginAt}    0.00s  0.02s  0.00s w\n`
}

export type ShellSessionInfo = { from: string; loginMs: number }

/** `free`: procps (Debian, Ubuntu, RHEL) or busybox columns over the same memory as /proc/meminfo. */
export function free(host: ShellHost, args: string[], proc: ProcReader, nowMs: number): string {
  const m: MemorySnapshot = proc.memory(nowMs)
  const flags = args.join('')
  const human = flags.includes('h')
  const divisor = flags.includes('g') ? 1024 * 1024 : flags.includes('m') ? 1024 : 1
  const buffCache = m.buffersKb + m.cachedKb + m.sReclaimableKb
  const used = m.totalKb - m.freeKb - buffCache
  const show = (kb: number) => (human ? humanSize(kb) : String(Math.floor(kb / divisor)))
  if (host.userland === 'busybox') {
    const row = (label: string, values: number[]) =>
      `${label.padEnd(6)}${values.map((v) => show(v).padStart(12)).join('')}`
    return `${' '.repeat(6)}${['total', 'used', 'free', 'shared', 'buff/cache', 'available'].map((h) => h.padStart(12)).join('')}\n${row('Mem:', [m.totalKb, used, m.freeKb, m.shmemKb, buffCache, m.availableKb])}\n${row('Swap:', [m.swapTotalKb, m.swapTotalKb - m.swapFreeKb, m.swapFreeKb])}\n`
  }
  const row = (label: string, values: number[]) =>
    `${label.padEnd(8)}${values.map((v) => show(v).padStart(12)).join('')}`
  return `${' '.repeat(8)}${['total', 'used', 'free', 'shared', 'buff/cache', 'available'].map((h) => h.padStart(12)).join('')}\n${row('Mem:', [m.totalKb, used, m.freeKb, m.shmemKb, buffCache, m.availableKb])}\n${row('Swap:', [m.swapTotalKb, m.swapTotalKb - m.swapFreeKb, m.swapFreeKb])}\n`
}

function humanSize(kb: number): string {
  if (kb === 0) return '0B'
  const units = ['Ki', 'Mi', 'Gi', 'Ti']
  let value = kb
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)}${units[unit]}`
}

export function nproc(host: ShellHost): string {
  return `${host.persona.hardware.cpuCores}\n`
}

/** util-linux `lscpu` (not shipped on busybox hosts). */
export function lscpu(host: ShellHost, proc: ProcReader): string {
  const { hardware, os } = host.persona
  const info = proc.cpuinfo()
  const field = (name: string) => new RegExp(`^${name}\\s*: (.*)$`, 'm').exec(info)?.[1] ?? ''
  const virtual = isVirtual(host.persona)
  const threads = !virtual && hardware.cpuCores >= 4 && hardware.cpuCores % 2 === 0 ? 2 : 1
  const amd = field('vendor_id') === 'AuthenticAMD'
  const rows: [string, string][] = [
    ['Architecture:', os.arch],
    ['  CPU op-mode(s):', '32-bit, 64-bit'],
    ['  Address sizes:', field('address sizes')],
    ['  Byte Order:', 'Little Endian'],
    ['CPU(s):', String(hardware.cpuCores)],
    ['  On-line CPU(s) list:', hardware.cpuCores > 1 ? `0-${hardware.cpuCores - 1}` : '0'],
    ['Vendor ID:', field('vendor_id')],
    ['  Model name:', hardware.cpuModel],
    ['    CPU family:', field('cpu family')],
    ['    Model:', field('model')],
    ['    Thread(s) per core:', String(threads)],
    ['    Core(s) per socket:', String(hardware.cpuCores / threads)],
    ['    Socket(s):', '1'],
    ['    Stepping:', field('stepping')],
    ['    BogoMIPS:', field('bogomips')],
    ['    Flags:', field('flags')],
    ...(virtual
      ? ([
          ['Virtualization features:', ''],
          [
            '  Hypervisor vendor:',
            /vmware/i.test(hardware.vendor)
              ? 'VMware'
              : /microsoft/i.test(hardware.vendor)
                ? 'Microsoft'
                : 'KVM',
          ],
          ['  Virtualization type:', 'full'],
        ] as [string, string][])
      : ([
          ['Virtualization features:', ''],
          ['  Virtualization:', amd ? 'AMD-V' : 'VT-x'],
        ] as [string, string][])),
    ['Caches (sum of all):', ''],
    ['  L3:', `${Math.round(hardware.cacheKb / 1024)} MiB (1 instance)`],
    ['NUMA:', ''],
    ['  NUMA node(s):', '1'],
    ['  NUMA node0 CPU(s):', hardware.cpuCores > 1 ? `0-${hardware.cpuCores - 1}` : '0'],
  ]
  return `${rows.map(([key, value]) => (value === '' ? key : `${key.padEnd(26)}${value}`)).join('\n')}\n`
}
