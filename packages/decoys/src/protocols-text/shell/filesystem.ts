import { fileDropModeString } from '@decnet/core/schemas'
import { hostPublicKeyLines } from '../ssh-keys.ts'
import { binarySize, commandCatalogue } from './command-catalogue.ts'
import { procMounts } from './disk-commands.ts'
import { bashHistory } from './history.ts'
import { localTime } from './local-time.ts'
import { etcHosts, issue, osRelease, releaseFiles, resolvConf } from './os-files.ts'
import type { ShellHost } from './persona.ts'
import { personaStream } from './persona-facts.ts'
import type { ProcReader } from './proc.ts'
import { skeletonFiles } from './skeleton.ts'
import type { HostTimeline } from './timeline.ts'
import { fakeEd25519Key, knownHosts, sshConfig } from './topology-traces.ts'

/**
 * A small, persona-specific file tree: enough for the reconnaissance an intruder (or a honeypot
 * checker) runs first — identity files, users, home directories, /proc — with file dates that follow
 * the host's own timeline (installed after its OS release, kernel before boot, logs after boot).
 */
export type FakeFilesystem = {
  /** Directory entries (names only; directories end with `/`), or undefined when not a directory. */
  list(path: string): string[] | undefined
  read(path: string, nowMs: number): string | undefined
  stat(path: string, nowMs: number): FileStat | undefined
}

export type FileStat = {
  dir: boolean
  /** Symlink target, shown by `ls -l` as `name -> target`. */
  link?: string
  mode: string
  links: number
  owner: string
  group: string
  size: number
  mtimeMs: number
}

type Node = {
  content?: string | ((nowMs: number) => string)
  /** For files whose bytes we never show (binaries, logs): the size `ls` reports. */
  size?: number
  link?: string
  mtime: number | ((nowMs: number) => number)
  mode?: string
  owner?: string
  group?: string
}

const MINUTE = 60_000
const DAY = 86_400_000

export function buildFilesystem(
  host: ShellHost,
  loginUser: string,
  proc: ProcReader,
  timeline: HostTimeline,
): FakeFilesystem {
  const { persona } = host
  const osId = persona.os.id
  const busybox = host.userland === 'busybox'
  const debianLike = osId === 'debian' || osId === 'ubuntu' || osId === 'kali'
  const service = host.humanUsers[1] ?? 'root'
  const homes = accountsOf(host, loginUser)
  /** A date `spreadMs` after `baseMs`, fixed per path for this persona. */
  const after = (path: string, baseMs: number, spreadMs: number) =>
    baseMs + Math.floor(personaStream(persona, `mtime${path}`).next() * spreadMs)
  const install = (path: string) => after(path, timeline.installMs, 40 * MINUTE)
  // Accounts were added in the days after the install; the last one before the boot.
  const usersAddedMs = Math.min(after('/users', timeline.installMs + DAY, 20 * DAY), timeline.bootMs - DAY)
  // The shell's reference "now" when the host view was made: stable across sessions of one run.
  const sinceMs = Math.max(host.sinceMs, timeline.bootMs + MINUTE)
  const sinceBoot = (path: string) =>
    after(path, timeline.bootMs + MINUTE, Math.max(MINUTE, sinceMs - timeline.bootMs - 2 * MINUTE))

  const nodes = new Map<string, Node>()
  const dirs = new Map<string, Node>()
  const file = (path: string, node: Node) => {
    nodes.set(path, node)
    for (let parent = dirname(path); !dirs.has(parent); parent = dirname(parent)) {
      dirs.set(parent, { mtime: install(parent) })
      if (parent === '/') break
    }
  }
  const dir = (path: string, node: Partial<Node> = {}) => {
    if (path !== '/') file(path, { mtime: 0 })
    nodes.delete(path)
    dirs.set(path, { mtime: install(path), ...node })
  }

  // The root: merged /usr (symlinks) everywhere but Alpine, CentOS 7 aside.
  for (const name of [
    'boot',
    'dev',
    'etc',
    'home',
    'media',
    'mnt',
    'opt',
    'proc',
    'root',
    'run',
    'srv',
    'sys',
    'tmp',
    'usr',
    'var',
  ])
    dir(`/${name}`)
  for (const name of ['bin', 'lib', 'lib64', 'sbin']) {
    if (busybox) {
      if (name !== 'lib64') dir(`/${name}`)
    } else file(`/${name}`, { link: `usr/${name}`, mtime: timeline.installMs, size: 7 + name.length - 3 })
  }
  dir('/dev', { mtime: (now) => Math.min(now, timeline.bootMs + 9_000) })
  dir('/proc', { mtime: timeline.bootMs, mode: 'dr-xr-xr-x' })
  dir('/sys', { mtime: timeline.bootMs, mode: 'dr-xr-xr-x' })
  dir('/run', { mtime: (now) => Math.max(timeline.bootMs, now - after('/run', 2 * MINUTE, 50 * MINUTE)) })
  dir('/tmp', {
    mtime: (now) => Math.max(timeline.bootMs, now - after('/tmp', MINUTE, 90 * MINUTE)),
    mode: 'drwxrwxrwt',
  })
  dir('/root', { mode: 'drwx------', mtime: sinceBoot('/root') })
  dir('/var/www/html')
  dir('/opt')

  // Identity and accounts.
  const passwd = passwdLines(host, homes)
  file('/etc/passwd', { content: `${passwd.join('\n')}\n`, mtime: usersAddedMs })
  file('/etc/group', { content: groupLines(host, homes), mtime: usersAddedMs })
  file('/etc/shadow', {
    content: shadow(host, ['root', ...homes], timeline),
    mtime: usersAddedMs,
    mode: '-rw-r-----',
    group: debianLike ? 'shadow' : 'root',
  })
  file('/etc/hostname', { content: `${host.hostname}\n`, mtime: install('/etc/hostname') })
  file('/etc/hosts', { content: etcHosts(host), mtime: install('/etc/hosts') })
  file('/etc/os-release', { content: osRelease(persona), mtime: timeline.releaseMs })
  file('/etc/issue', { content: issue(persona), mtime: timeline.releaseMs })
  file('/etc/machine-id', {
    content: `${persona.machineId}\n`,
    mtime: install('/etc/machine-id'),
    mode: '-r--r--r--',
  })
  file('/etc/resolv.conf', { content: resolvConf(host), mtime: timeline.bootMs + 4_000 })
  file('/etc/timezone', { content: `${persona.timezone}\n`, mtime: install('/etc/timezone') })
  file('/etc/fstab', { content: fstab(host), mtime: install('/etc/fstab') })
  file('/etc/crontab', { content: crontab(host), mtime: timeline.releaseMs })
  if (!busybox) {
    // sudo's policy: the distro's sudoers and its drop-in directory (where intruders add themselves).
    const admins = debianLike ? '%sudo\tALL=(ALL:ALL) ALL' : '%wheel\tALL=(ALL)\tALL'
    file('/etc/sudoers', {
      content: `#\n# This file MUST be edited with the 'visudo' command as root.\n#\nDefaults\tenv_reset\nDefaults\tmail_badpass\n\nroot\tALL=(ALL:ALL) ALL\n${admins}\n\n@includedir /etc/sudoers.d\n`,
      mtime: timeline.releaseMs,
      mode: '-r--r-----',
    })
    file('/etc/sudoers.d/README', {
      content:
        '#\n# The default /etc/sudoers file created on installation of the\n# sudo  package now includes the directive:\n#\n# \t@includedir /etc/sudoers.d\n#\n',
      mtime: timeline.releaseMs,
      mode: '-r--r-----',
    })
    dir('/etc/sudoers.d', { mode: 'drwxr-x---', mtime: timeline.releaseMs })
  }
  file('/etc/ssh/sshd_config', {
    content:
      'Include /etc/ssh/sshd_config.d/*.conf\n\n#Port 22\n#PermitRootLogin prohibit-password\n#PubkeyAuthentication yes\n#PasswordAuthentication yes\n#PermitEmptyPasswords no\nKbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\nPrintMotd no\nAcceptEnv LANG LC_*\nSubsystem\tsftp\t/usr/lib/openssh/sftp-server\n',
    mtime: after('/etc/ssh/sshd_config', usersAddedMs, 3 * DAY),
  })
  // sshd's host keys, generated at first boot after the install: the same keys ssh-keyscan sees.
  const hostKeys = hostPublicKeyLines(persona, `root@${host.hostname}`)
  const keysMs = after('/etc/ssh/keys', timeline.installMs, 10 * MINUTE)
  file('/etc/ssh/ssh_host_ed25519_key.pub', { content: hostKeys.ed25519, mtime: keysMs })
  file('/etc/ssh/ssh_host_ecdsa_key.pub', { content: hostKeys.ecdsa, mtime: keysMs })
  for (const [path, content] of Object.entries(releaseFiles(persona, timeline)))
    file(path, {
      content,
      mtime: path === '/etc/debian_version' ? timeline.kernelInstalledMs : timeline.releaseMs,
    })

  // The running kernel, installed before the boot.
  for (const [path, size] of bootFiles(host)) file(path, { size, mtime: timeline.kernelInstalledMs })

  // The commands the OS ships, from the install (busybox applets are links to the multi-call binary).
  for (const [name, directory] of commandCatalogue(host)) {
    const path = `${directory}/${name}`
    if (busybox && name !== 'busybox')
      file(path, { link: '/bin/busybox', size: 12, mtime: install('/bin/busybox') })
    else file(path, { size: binarySize(name, busybox), mtime: install(path), mode: '-rwxr-xr-x' })
  }
  // Device nodes made by devtmpfs at the boot.
  for (const name of ['null', 'zero', 'random', 'urandom', 'tty', 'console', 'ptmx'])
    file(`/dev/${name}`, { size: 0, mtime: timeline.bootMs + 2_000, mode: 'crw-rw-rw-' })
  dir('/dev/shm', { mode: 'drwxrwxrwt', mtime: timeline.bootMs + 3_000 })
  dir('/dev/pts', { mtime: timeline.bootMs + 2_000 })

  // /proc is computed at each read; its entries date from the boot.
  const procFiles: Record<string, (now: number) => string> = {
    cpuinfo: () => proc.cpuinfo(),
    meminfo: (now) => proc.meminfo(now),
    loadavg: (now) => proc.loadavg(now),
    uptime: (now) => proc.uptime(now),
    version: () => proc.version(),
    mounts: () => procMounts(host),
  }
  for (const [name, read] of Object.entries(procFiles))
    file(`/proc/${name}`, { content: read, size: 0, mtime: timeline.bootMs, mode: '-r--r--r--' })

  // Logs are written after the boot, the busiest up to now.
  const systemLog = debianLike ? '/var/log/syslog' : '/var/log/messages'
  file(systemLog, {
    size: 180_000 + after(systemLog, 0, 900_000),
    mtime: (now) => now - after(`${systemLog}/last`, 5_000, 4 * MINUTE),
    mode: '-rw-r-----',
    group: debianLike ? 'adm' : 'root',
  })
  const authLog = debianLike ? '/var/log/auth.log' : '/var/log/secure'
  file(authLog, {
    size: 40_000 + after(authLog, 0, 300_000),
    mtime: (now) => now - after(`${authLog}/last`, MINUTE, 20 * MINUTE),
    mode: '-rw-r-----',
    group: debianLike ? 'adm' : 'root',
  })
  file('/var/log/wtmp', {
    size: 20_000 + after('/var/log/wtmp', 0, 90_000),
    mtime: sinceBoot('/var/log/wtmp'),
    mode: '-rw-rw-r--',
    group: 'utmp',
  })
  file('/var/log/lastlog', {
    size: 292_292,
    mtime: sinceBoot('/var/log/lastlog'),
    mode: '-rw-rw-r--',
    group: 'utmp',
  })
  const packageLog = packageLogOf(host, timeline.kernelInstalledMs)
  if (packageLog)
    file(packageLog.path, { content: packageLog.content, mtime: timeline.kernelInstalledMs + 50_000 })

  // Home directories: skeleton files from the account's creation, history from its last session.
  const historyOwners = new Set(['root', service])
  for (const user of ['root', ...homes]) {
    const home = user === 'root' ? '/root' : `/home/${user}`
    const created = user === 'root' ? timeline.installMs : usersAddedMs
    const owner = { owner: user, group: user }
    if (user !== 'root') dir(home, { ...owner, mode: 'drwxr-x---', mtime: sinceBoot(home) })
    for (const [name, content] of Object.entries(skeletonFiles(host)))
      file(`${home}/${name}`, { content, mtime: created, ...owner })
    if (historyOwners.has(user)) {
      const history = `${home}/.${busybox ? 'ash' : 'bash'}_history`
      file(history, {
        content: bashHistory(host, user),
        mtime: sinceBoot(history),
        mode: '-rw-------',
        ...owner,
      })
      // A pivot's admins hop on into its inner networks: the client side of ssh remembers them.
      const hops = { known_hosts: knownHosts(host), config: sshConfig(host) }
      if (hops.known_hosts) {
        dir(`${home}/.ssh`, { mode: 'drwx------', mtime: usersAddedMs, ...owner })
        for (const [name, content] of Object.entries(hops))
          file(`${home}/.ssh/${name}`, {
            content,
            mtime: sinceBoot(`${home}/.ssh/${name}`),
            mode: '-rw-------',
            ...owner,
          })
      }
    }
  }
  dir('/root/.ssh', { mode: 'drwx------', mtime: usersAddedMs })
  file('/root/.ssh/authorized_keys', {
    content: authorizedKey(host),
    mtime: usersAddedMs,
    mode: '-rw-------',
  })

  const stat = (path: string, nowMs: number): FileStat | undefined => {
    const at = (node: Node) =>
      Math.min(typeof node.mtime === 'function' ? node.mtime(nowMs) : node.mtime, nowMs)
    const directory = dirs.get(path)
    if (directory) {
      const children = listDir(path) ?? []
      return {
        dir: true,
        mode: directory.mode ?? 'drwxr-xr-x',
        links: 2 + children.filter((c) => c.endsWith('/')).length,
        owner: directory.owner ?? 'root',
        group: directory.group ?? 'root',
        size: 4096,
        mtimeMs: at(directory),
      }
    }
    const node = nodes.get(path)
    if (!node) return undefined
    const content = typeof node.content === 'function' ? undefined : node.content
    return {
      dir: false,
      ...(node.link ? { link: node.link } : {}),
      mode: node.link ? 'lrwxrwxrwx' : (node.mode ?? '-rw-r--r--'),
      links: 1,
      owner: node.owner ?? 'root',
      group: node.group ?? 'root',
      size: node.size ?? Buffer.byteLength(content ?? ''),
      mtimeMs: at(node),
    }
  }
  const listDir = (path: string): string[] | undefined => {
    if (!dirs.has(path)) return undefined
    const prefix = path === '/' ? '/' : `${path}/`
    const names = new Set<string>()
    for (const child of [...nodes.keys(), ...dirs.keys()]) {
      if (child === path || !child.startsWith(prefix)) continue
      const rest = child.slice(prefix.length)
      if (rest.includes('/')) continue
      names.add(dirs.has(child) ? `${rest}/` : rest)
    }
    return [...names].sort((a, b) => a.replace(/^\./, '').localeCompare(b.replace(/^\./, '')))
  }
  /** Follows a symlink (merged-/usr `/bin` → `usr/bin`) to the path it names. */
  const follow = (path: string): string => {
    const link = nodes.get(path)?.link
    return link ? normalize(link.startsWith('/') ? link : `${dirname(path)}/${link}`) : path
  }
  /** The path with its directories' links followed (`/bin/ls` → `/usr/bin/ls`), the last name kept. */
  const throughParents = (path: string): string => {
    if (path === '/') return path
    const parent = dirname(path)
    const real = parent === '/' ? '/' : follow(throughParents(parent))
    return `${real === '/' ? '' : real}/${path.slice(parent === '/' ? 1 : parent.length + 1)}`
  }
  const resolve = (path: string): string => follow(throughParents(path))
  const underFile = (path: string): boolean => {
    for (let parent = dirname(path); parent !== '/'; parent = dirname(parent))
      if (nodes.has(parent)) return true
    return false
  }
  // An admin's bait files, over the persona's own (a directory keeps its place: a file cannot replace it).
  for (const drop of host.fileDrops) {
    const path = resolve(normalize(drop.path))
    if (dirs.has(path) || underFile(path)) continue
    file(path, {
      content: drop.content,
      mtime: Date.parse(drop.modifiedAt),
      mode: fileDropModeString(drop.mode),
      owner: drop.owner,
      group: drop.owner,
    })
  }
  return {
    list: (path) => listDir(resolve(normalize(path))),
    read: (path, nowMs) => {
      const node = nodes.get(resolve(normalize(path)))
      if (!node) return undefined
      return typeof node.content === 'function' ? node.content(nowMs) : (node.content ?? '')
    },
    stat: (path, nowMs) => stat(throughParents(normalize(path)), nowMs),
  }
}

/** The regular accounts (uid 1000 up, in order): the persona's two, then the login user if another. */
export function accountsOf(host: ShellHost, loginUser: string): string[] {
  return [...new Set([...host.humanUsers, loginUser].filter((u) => u !== 'root'))]
}

function dirname(path: string): string {
  const index = path.lastIndexOf('/')
  return index <= 0 ? '/' : path.slice(0, index)
}

function passwdLines(host: ShellHost, homes: string[]): string[] {
  const osId = host.persona.os.id
  const userShell = host.userland === 'busybox' ? '/bin/ash' : '/bin/bash'
  const humans = homes.map((user, index) =>
    osId === 'debian' || osId === 'ubuntu' || osId === 'kali'
      ? `${user}:x:${1000 + index}:${1000 + index}:${user},,,:/home/${user}:${userShell}`
      : `${user}:x:${1000 + index}:${1000 + index}::/home/${user}:${userShell}`,
  )
  if (host.userland === 'busybox') {
    return [
      'root:x:0:0:root:/root:/bin/ash',
      'bin:x:1:1:bin:/bin:/sbin/nologin',
      'daemon:x:2:2:daemon:/sbin:/sbin/nologin',
      'lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin',
      'sync:x:5:0:sync:/sbin:/bin/sync',
      'shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown',
      'halt:x:7:0:halt:/sbin:/sbin/halt',
      'mail:x:8:12:mail:/var/mail:/sbin/nologin',
      'news:x:9:13:news:/usr/lib/news:/sbin/nologin',
      'uucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin',
      'cron:x:16:16:cron:/var/spool/cron:/sbin/nologin',
      'ftp:x:21:21::/var/lib/ftp:/sbin/nologin',
      'sshd:x:22:22:sshd:/dev/null:/sbin/nologin',
      'games:x:35:35:games:/usr/games:/sbin/nologin',
      'ntp:x:123:123:NTP:/var/empty:/sbin/nologin',
      'guest:x:405:100:guest:/dev/null:/sbin/nologin',
      'nobody:x:65534:65534:nobody:/:/sbin/nologin',
      ...humans,
    ]
  }
  if (osId === 'debian' || osId === 'ubuntu' || osId === 'kali') {
    return [
      'root:x:0:0:root:/root:/bin/bash',
      'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
      'bin:x:2:2:bin:/bin:/usr/sbin/nologin',
      'sys:x:3:3:sys:/dev:/usr/sbin/nologin',
      'sync:x:4:65534:sync:/bin:/bin/sync',
      'games:x:5:60:games:/usr/games:/usr/sbin/nologin',
      'man:x:6:12:man:/var/cache/man:/usr/sbin/nologin',
      'lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin',
      'mail:x:8:8:mail:/var/mail:/usr/sbin/nologin',
      'news:x:9:9:news:/var/spool/news:/usr/sbin/nologin',
      'uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin',
      'proxy:x:13:13:proxy:/bin:/usr/sbin/nologin',
      'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin',
      'backup:x:34:34:backup:/var/backups:/usr/sbin/nologin',
      'list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin',
      'irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin',
      ...(osId === 'ubuntu'
        ? ['gnats:x:41:41:Gnats Bug-Reporting System (admin):/var/lib/gnats:/usr/sbin/nologin']
        : []),
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
      ...(osId === 'ubuntu'
        ? [
            'systemd-network:x:100:102:systemd Network Management,,,:/run/systemd:/usr/sbin/nologin',
            'systemd-resolve:x:101:103:systemd Resolver,,,:/run/systemd:/usr/sbin/nologin',
            'messagebus:x:102:105::/nonexistent:/usr/sbin/nologin',
            'systemd-timesync:x:103:106:systemd Time Synchronization,,,:/run/systemd:/usr/sbin/nologin',
            'syslog:x:104:111::/home/syslog:/usr/sbin/nologin',
            '_apt:x:105:65534::/nonexistent:/usr/sbin/nologin',
            'sshd:x:106:65534::/run/sshd:/usr/sbin/nologin',
          ]
        : [
            '_apt:x:42:65534::/nonexistent:/usr/sbin/nologin',
            'systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin',
            'messagebus:x:100:107::/nonexistent:/usr/sbin/nologin',
            'sshd:x:101:65534::/run/sshd:/usr/sbin/nologin',
          ]),
      ...humans,
    ]
  }
  return [
    'root:x:0:0:root:/root:/bin/bash',
    'bin:x:1:1:bin:/bin:/sbin/nologin',
    'daemon:x:2:2:daemon:/sbin:/sbin/nologin',
    'adm:x:3:4:adm:/var/adm:/sbin/nologin',
    'lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin',
    'sync:x:5:0:sync:/sbin:/bin/sync',
    'shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown',
    'halt:x:7:0:halt:/sbin:/sbin/halt',
    'mail:x:8:12:mail:/var/spool/mail:/sbin/nologin',
    'operator:x:11:0:operator:/root:/sbin/nologin',
    'games:x:12:100:games:/usr/games:/sbin/nologin',
    'ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin',
    'nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin',
    'systemd-coredump:x:999:997:systemd Core Dumper:/:/sbin/nologin',
    'dbus:x:81:81:System message bus:/:/sbin/nologin',
    'tss:x:59:59:Account used for TPM access:/dev/null:/sbin/nologin',
    'sshd:x:74:74:Privilege-separated SSH:/usr/share/empty.sshd:/sbin/nologin',
    'chrony:x:997:995:chrony system user:/var/lib/chrony:/sbin/nologin',
    ...humans,
  ]
}

function groupLines(host: ShellHost, homes: string[]): string {
  const sudoGroup =
    host.persona.os.id === 'debian' || host.persona.os.id === 'ubuntu' ? 'sudo:x:27' : 'wheel:x:10'
  const base =
    host.userland === 'busybox'
      ? ['root:x:0:root', 'wheel:x:10:root']
      : ['root:x:0:', 'adm:x:4:', `${sudoGroup}:${homes[0] ?? ''}`]
  return `${[...base, ...homes.map((user, index) => `${user}:x:${1000 + index}:`)].join('\n')}\n`
}

/** Plausible hashes in the distro's default scheme, per decky; they match no password. */
function shadow(host: ShellHost, users: string[], timeline: HostTimeline): string {
  const random = host.random.fork('shadow')
  const alphabet = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  const chars = (n: number) => Array.from({ length: n }, () => alphabet[random.int(0, 63)]).join('')
  const { id, versionId } = host.persona.os
  // yescrypt is the default from Debian 11 and Ubuntu 22.04; SHA-512 crypt elsewhere.
  const yescrypt =
    (id === 'debian' && Number(versionId) >= 11) ||
    (id === 'ubuntu' && !versionId.startsWith('20.')) ||
    id === 'kali'
  const hash = () => (yescrypt ? `$y$j9T$${chars(22)}$${chars(43)}` : `$6$${chars(16)}$${chars(86)}`)
  const installDay = Math.floor(timeline.installMs / DAY)
  const changed = (user: string) => installDay + personaStream(host.persona, `shadow/${user}`).int(0, 25)
  const system = passwdLines(host, [])
    .map((line) => line.split(':')[0] ?? '')
    .filter((user) => user !== 'root')
  // An account that takes no password (login_policy = list without one) is locked, as passwd -l leaves it.
  const locked = new Set(host.logins.accounts.filter((a) => a.password === null).map((a) => a.user))
  const entry = (user: string) => (locked.has(user) ? `!${hash()}` : hash())
  return `${[
    `root:${entry('root')}:${changed('root')}:0:99999:7:::`,
    ...system.map((user) => `${user}:*:${installDay}:0:99999:7:::`),
    ...users.slice(1).map((user) => `${user}:${entry(user)}:${changed(user)}:0:99999:7:::`),
  ].join('\n')}\n`
}

function bootFiles(host: ShellHost): [string, number][] {
  const kernel = host.kernel
  const random = personaStream(host.persona, 'boot-sizes')
  if (host.persona.os.id === 'alpine')
    return [
      ['/boot/vmlinuz-lts', 9_000_000 + random.int(0, 900_000)],
      ['/boot/initramfs-lts', 12_000_000 + random.int(0, 3_000_000)],
      ['/boot/config-lts', 260_000 + random.int(0, 9_000)],
      ['/boot/System.map-lts', 5_400_000 + random.int(0, 200_000)],
    ]
  const rhel = !['debian', 'ubuntu', 'kali'].includes(host.persona.os.id)
  return [
    [`/boot/vmlinuz-${kernel}`, 7_000_000 + random.int(0, 6_000_000)],
    [
      rhel ? `/boot/initramfs-${kernel}.img` : `/boot/initrd.img-${kernel}`,
      30_000_000 + random.int(0, 40_000_000),
    ],
    [`/boot/config-${kernel}`, 250_000 + random.int(0, 30_000)],
    [`/boot/System.map-${kernel}`, 5_000_000 + random.int(0, 3_000_000)],
  ]
}

function fstab(host: ShellHost): string {
  const random = personaStream(host.persona, 'fstab')
  const uuid = () => `${random.hex(8)}-${random.hex(4)}-${random.hex(4)}-${random.hex(4)}-${random.hex(12)}`
  if (host.userland === 'busybox')
    return `UUID=${uuid()}\t/\text4\trw,relatime 0 1\nUUID=${uuid()}\t/boot\text4\trw,relatime 0 2\ntmpfs\t/tmp\ttmpfs\tnosuid,nodev\t0\t0\n`
  return `# /etc/fstab: static file system information.\n#\n# <file system> <mount point>   <type>  <options>       <dump>  <pass>\nUUID=${uuid()} /               ext4    errors=remount-ro 0       1\nUUID=${random.hex(4).toUpperCase()}-${random.hex(4).toUpperCase()}  /boot/efi       vfat    umask=0077      0       1\n`
}

function crontab(host: ShellHost): string {
  if (host.userland === 'busybox')
    return '# do daily/weekly/monthly maintenance\n# min\thour\tday\tmonth\tweekday\tcommand\n*/15\t*\t*\t*\t*\trun-parts /etc/periodic/15min\n0\t*\t*\t*\t*\trun-parts /etc/periodic/hourly\n0\t2\t*\t*\t*\trun-parts /etc/periodic/daily\n0\t3\t*\t*\t6\trun-parts /etc/periodic/weekly\n0\t5\t1\t*\t*\trun-parts /etc/periodic/monthly\n'
  if (['debian', 'ubuntu', 'kali'].includes(host.persona.os.id))
    return "# /etc/crontab: system-wide crontab\n# Unlike any other crontab you don't have to run the `crontab'\n# command to install the new version when you edit this file\n# and files in /etc/cron.d. These files also have username fields,\n# that none of the other crontabs do.\n\nSHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n\n17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly\n25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }\n47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }\n52 6\t1 * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }\n#\n"
  return 'SHELL=/bin/bash\nPATH=/sbin:/bin:/usr/sbin:/usr/bin\nMAILTO=root\n\n# For details see man 4 crontabs\n\n# Example of job definition:\n# .---------------- minute (0 - 59)\n# |  .------------- hour (0 - 23)\n# |  |  .---------- day of month (1 - 31)\n# |  |  |  .------- month (1 - 12) OR jan,feb,mar,apr ...\n# |  |  |  |  .---- day of week (0 - 6) (Sunday=0 or 7) OR sun,mon,tue,wed,thu,fri,sat\n# |  |  |  |  |\n# *  *  *  *  * user-name  command to be executed\n\n'
}

/** The distro's package log, its last entry the running kernel's installation. */
function packageLogOf(host: ShellHost, installedMs: number): { path: string; content: string } | undefined {
  const { id } = host.persona.os
  const stamp = (offsetS: number) => {
    const t = localTime(installedMs + offsetS * 1000, host.persona.timezone)
    const two = (n: number) => String(n).padStart(2, '0')
    return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`
  }
  if (id === 'debian' || id === 'ubuntu' || id === 'kali') {
    const pkg = `linux-image-${host.kernel}:amd64`
    // The package version is the upstream release in the build banner (`Debian 6.1.119-1`).
    const version = /(?:Debian|Ubuntu) (\S+)/.exec(host.persona.os.kernelVersion)?.[1] ?? host.kernel
    return {
      path: '/var/log/dpkg.log',
      content: [
        `${stamp(0)} startup archives unpack`,
        `${stamp(1)} install ${pkg} <none> ${version}`,
        `${stamp(9)} status unpacked ${pkg}`,
        `${stamp(14)} configure ${pkg}`,
        `${stamp(41)} status installed ${pkg}`,
        `${stamp(42)} trigproc man-db:amd64`,
        `${stamp(44)} status installed man-db:amd64`,
        '',
      ].join('\n'),
    }
  }
  if (['rocky', 'almalinux', 'rhel', 'fedora'].includes(id)) {
    const iso = new Date(installedMs).toISOString().replace(/\.\d+Z$/, '+0000')
    return {
      path: '/var/log/dnf.log',
      content: `${iso} DEBUG Installed: kernel-${host.kernel}\n${iso} DEBUG Complete!\n`,
    }
  }
  return undefined
}

function authorizedKey(host: ShellHost): string {
  const random = personaStream(host.persona, 'authorized-key')
  return `${fakeEd25519Key(random)} ${host.humanUsers[0] ?? 'root'}@${random.pick(['laptop', 'workstation', 'jump', 'admin-pc', 'mbp'])}\n`
}

/** Resolves `.`/`..` and duplicate slashes; never escapes `/`. */
export function normalize(path: string): string {
  const parts: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') parts.pop()
    else parts.push(part)
  }
  return `/${parts.join('/')}`
}
