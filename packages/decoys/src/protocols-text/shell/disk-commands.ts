import { type CommandContext, type CommandIo, parseFlags } from './command-context.ts'
import type { ShellHost } from './persona.ts'
import { personaStream } from './persona-facts.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * The disks and mounts of the persona (df, mount, lsblk, du): one root disk sized and filled per
 * decky (fixed by its seed), the pseudo filesystems its init mounts, in GNU or busybox layout.
 */
type Mount = { source: string; target: string; type: string; options: string; sizeKb: number; usedKb: number }

export function mountsOf(host: ShellHost): Mount[] {
  const { persona } = host
  const busybox = host.userland === 'busybox'
  const random = personaStream(persona, 'disk')
  const diskGb = busybox && persona.family === 'embedded' ? 0 : random.pick([20, 32, 40, 50, 80, 100, 120])
  const rootKb = diskGb ? diskGb * 1024 * 1024 - random.int(900_000, 1_400_000) : 14_848
  const usedKb = Math.floor(rootKb * (0.18 + random.next() * 0.5))
  const memKb = persona.hardware.memoryKb
  const runKb = Math.floor(memKb / 10 / 4) * 4
  const shmKb = Math.floor(memKb / 2 / 4) * 4
  const disk =
    persona.os.id === 'rocky' || persona.os.id === 'centos' || persona.os.id === 'fedora'
      ? '/dev/mapper/rl-root'
      : '/dev/sda1'
  if (busybox && persona.family === 'embedded')
    return [
      {
        source: '/dev/root',
        target: '/rom',
        type: 'squashfs',
        options: 'ro,relatime',
        sizeKb: 14_848,
        usedKb: 14_848,
      },
      {
        source: 'tmpfs',
        target: '/tmp',
        type: 'tmpfs',
        options: 'rw,nosuid,nodev,noatime',
        sizeKb: Math.floor(memKb / 2),
        usedKb: random.int(200, 900),
      },
      {
        source: '/dev/mtdblock6',
        target: '/overlay',
        type: 'jffs2',
        options: 'rw,noatime',
        sizeKb: 12_864,
        usedKb: random.int(400, 2_000),
      },
      {
        source: 'overlayfs:/overlay',
        target: '/',
        type: 'overlay',
        options: 'rw,noatime,lowerdir=/,upperdir=/overlay/upper,workdir=/overlay/work',
        sizeKb: 12_864,
        usedKb: random.int(400, 2_000),
      },
    ]
  const fsType = persona.os.id === 'rocky' || persona.os.id === 'centos' ? 'xfs' : 'ext4'
  const mounts: Mount[] = [
    {
      source: busybox ? 'devtmpfs' : 'udev',
      target: '/dev',
      type: 'devtmpfs',
      options: 'rw,nosuid,relatime,mode=755',
      sizeKb: Math.floor(memKb / 2),
      usedKb: 0,
    },
    {
      source: 'tmpfs',
      target: '/run',
      type: 'tmpfs',
      options: 'rw,nosuid,nodev,noexec,relatime,mode=755',
      sizeKb: runKb,
      usedKb: random.int(600, 1_800),
    },
    {
      source: disk,
      target: '/',
      type: fsType,
      options: 'rw,relatime,errors=remount-ro',
      sizeKb: rootKb,
      usedKb,
    },
    {
      source: 'tmpfs',
      target: '/dev/shm',
      type: 'tmpfs',
      options: 'rw,nosuid,nodev',
      sizeKb: shmKb,
      usedKb: 0,
    },
    {
      source: 'tmpfs',
      target: '/run/lock',
      type: 'tmpfs',
      options: 'rw,nosuid,nodev,noexec,relatime,size=5120k',
      sizeKb: 5_120,
      usedKb: 0,
    },
  ]
  if (!busybox)
    mounts.push({
      source: '/dev/sda15',
      target: '/boot/efi',
      type: 'vfat',
      options: 'rw,relatime,fmask=0077,dmask=0077',
      sizeKb: 126_678,
      usedKb: 11_840,
    })
  return mounts
}

const PSEUDO = [
  'sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0',
  'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
  'devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000 0 0',
]

function human(kb: number): string {
  if (kb === 0) return '0'
  if (kb < 1024) return `${kb}K`
  const units = ['M', 'G', 'T']
  let value = kb / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return value < 10
    ? `${(Math.ceil(value * 10) / 10).toFixed(1)}${units[unit]}`
    : `${Math.ceil(value)}${units[unit]}`
}

export function diskCommands(context: CommandContext): Record<string, ShellCommand> {
  return {
    df: (args) => df(context, args),
    mount: (args, io) => mount(context, args, io),
    lsblk: () => lsblk(context),
    du: (args, io) => du(context, args, io),
  }
}

function df(context: CommandContext, args: string[]): string {
  const { flags, long } = parseFlags(args)
  const readable = flags.has('h') || long.has('--human-readable')
  const types = flags.has('T')
  const size = (kb: number) => (readable ? human(kb) : String(kb))
  const { operands } = parseFlags(args)
  const mounts = mountsOf(context.host)
  // `df PATH`: the mount holding each path (the longest mount point it lies under).
  const mountOf = (path: string) =>
    mounts
      .filter((m) => path === m.target || path.startsWith(m.target === '/' ? '/' : `${m.target}/`))
      .sort((a, b) => b.target.length - a.target.length)[0]
  const chosen = operands.length
    ? operands.flatMap((operand) => {
        const mount = mountOf(context.resolve(operand))
        return mount ? [mount] : []
      })
    : mounts
  const rows = chosen.map((m) => {
    const avail = Math.max(0, m.sizeKb - m.usedKb - (m.target === '/' ? Math.floor(m.sizeKb * 0.05) : 0))
    const percent = m.sizeKb ? Math.ceil((m.usedKb * 100) / (m.usedKb + avail || 1)) : 0
    return {
      source: m.source,
      type: m.type,
      size: size(m.sizeKb),
      used: size(m.usedKb),
      avail: size(avail),
      percent: `${percent}%`,
      target: m.target,
    }
  })
  if (context.busybox) {
    // busybox: fixed columns, the source in 20.
    const head = `${'Filesystem'.padEnd(20)} ${(readable ? 'Size' : '1K-blocks').padStart(9)} ${'Used'.padStart(9)} ${'Available'.padStart(9)} Use% Mounted on`
    return `${[head, ...rows.map((r) => `${r.source.padEnd(20)} ${r.size.padStart(9)} ${r.used.padStart(9)} ${r.avail.padStart(9)} ${r.percent.padStart(4)} ${r.target}`)].join('\n')}\n`
  }
  // coreutils: each column as wide as its widest cell; the source at least 14, sizes 5 with -h.
  const header = {
    source: 'Filesystem',
    type: 'Type',
    size: readable ? 'Size' : '1K-blocks',
    used: 'Used',
    avail: readable ? 'Avail' : 'Available',
    percent: 'Use%',
    target: 'Mounted on',
  }
  const all = [header, ...rows]
  const width = (key: keyof typeof header, min: number) => Math.max(min, ...all.map((r) => r[key].length))
  const w = {
    source: width('source', 14),
    type: width('type', 0),
    size: width('size', readable ? 5 : 0),
    used: width('used', readable ? 5 : 0),
    avail: width('avail', readable ? 5 : 0),
    percent: width('percent', 4),
  }
  const line = (r: typeof header) =>
    [
      r.source.padEnd(w.source),
      ...(types ? [r.type.padEnd(w.type)] : []),
      r.size.padStart(w.size),
      r.used.padStart(w.used),
      r.avail.padStart(w.avail),
      r.percent.padStart(w.percent),
      r.target,
    ].join(' ')
  return `${[line(header), ...rows.map(line)].join('\n')}\n`
}

function mount(context: CommandContext, args: string[], io: CommandIo): string {
  if (args.length > 0) {
    if (context.uid !== 0) {
      io.err(
        context.busybox ? 'mount: permission denied (are you root?)\n' : 'mount: only root can do that\n',
      )
      io.status(1)
      return ''
    }
    const target = args.filter((a) => !a.startsWith('-')).pop() ?? ''
    io.err(`mount: ${target}: special device ${args[args.length - 2] ?? target} does not exist.\n`)
    io.status(32)
    return ''
  }
  const lines = mountsOf(context.host).map((m) =>
    context.busybox
      ? `${m.source} on ${m.target} type ${m.type} (${m.options})`
      : `${m.source} on ${m.target} type ${m.type} (${m.options})`,
  )
  const pseudo = PSEUDO.map((line) => {
    const [source, target, type, options] = line.split(' ')
    return `${source} on ${target} type ${type} (${options})`
  })
  return `${[...pseudo, ...lines].join('\n')}\n`
}

/** /proc/mounts as the kernel prints it (what `cat /proc/mounts` reads). */
export function procMounts(host: ShellHost): string {
  return `${[
    ...mountsOf(host).map((m) => `${m.source} ${m.target} ${m.type} ${m.options} 0 0`),
    ...PSEUDO,
  ].join('\n')}\n`
}

function lsblk(context: CommandContext): string {
  const root = mountsOf(context.host).find((m) => m.target === '/')
  const gb = Math.round((root?.sizeKb ?? 0) / 1024 / 1024) + 1
  return `NAME    MAJ:MIN RM  SIZE RO TYPE MOUNTPOINTS\nsda       8:0    0   ${String(gb).padStart(3)}G  0 disk \n├─sda1    8:1    0 ${String(gb - 1).padStart(3)}.9G  0 part /\n├─sda14   8:14   0    3M  0 part \n└─sda15   8:15   0  124M  0 part /boot/efi\nsr0      11:0    1 1024M  0 rom  \n`
}

/** `du`: sizes of the session's tree (files' sizes rounded to 4 KiB blocks), bounded in depth. */
function du(context: CommandContext, args: string[], io: CommandIo): string {
  const { flags, operands } = parseFlags(args)
  const summary = flags.has('s')
  const readable = flags.has('h')
  const paths = operands.length ? operands : ['.']
  const out: string[] = []
  const at = context.now()
  let visited = 0
  const walk = (path: string, shown: string, depth: number): number => {
    if (++visited > 5_000) return 0
    const stat = context.fs.stat(path, at)
    if (!stat) return 0
    if (!stat.dir || stat.link) return Math.ceil(stat.size / 4096) * 4
    let total = 4
    for (const entry of context.fs.list(path) ?? []) {
      const name = entry.replace(/\/$/, '')
      total += walk(`${path === '/' ? '' : path}/${name}`, `${shown.replace(/\/$/, '')}/${name}`, depth + 1)
    }
    if (!summary && depth < 8) out.push(`${readable ? human(total) : total}\t${shown}`)
    return total
  }
  for (const operand of paths) {
    const path = context.resolve(operand)
    if (!context.fs.stat(path, at)) {
      io.err(`du: cannot access '${operand}': No such file or directory\n`)
      io.status(1)
      continue
    }
    const total = walk(path, operand, 0)
    if (summary) out.push(`${readable ? human(total) : total}\t${operand}`)
  }
  return out.length ? `${out.join('\n')}\n` : ''
}
