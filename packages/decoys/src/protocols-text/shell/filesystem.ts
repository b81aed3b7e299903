import type { Persona } from './persona.ts'

/**
 * A small, persona-specific file tree: enough for the reconnaissance an intruder (or a honeypot
 * checker) runs first — /etc/passwd, /etc/os-release, home directories, /proc basics.
 */
export type FakeFilesystem = {
  /** Directory entries (names only; directories end with `/`), or undefined when not a directory. */
  list(path: string): string[] | undefined
  read(path: string): string | undefined
}

export function buildFilesystem(persona: Persona, loginUser: string): FakeFilesystem {
  const [human, service] = persona.humanUsers as [string, string]
  const homes = [...new Set([human, service, loginUser].filter((u) => u !== 'root'))]
  const passwd = [
    'root:x:0:0:root:/root:/bin/bash',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    'bin:x:2:2:bin:/bin:/usr/sbin/nologin',
    'sys:x:3:3:sys:/dev:/usr/sbin/nologin',
    'sync:x:4:65534:sync:/bin:/bin/sync',
    'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin',
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
    'systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin',
    'sshd:x:105:65534::/run/sshd:/usr/sbin/nologin',
    ...homes.map(
      (user, index) => `${user}:x:${1000 + index}:${1000 + index}:${user},,,:/home/${user}:/bin/bash`,
    ),
  ]
  const osId = persona.distro.startsWith('ubuntu')
    ? 'ubuntu'
    : persona.distro === 'rhel'
      ? 'rocky'
      : persona.distro
  const files: Record<string, string> = {
    '/etc/passwd': `${passwd.join('\n')}\n`,
    '/etc/hostname': `${persona.hostname}\n`,
    '/etc/hosts': `127.0.0.1\tlocalhost\n127.0.1.1\t${persona.hostname}\n${persona.ip}\t${persona.hostname}\n`,
    '/etc/os-release': `PRETTY_NAME="${persona.prettyName}"\nNAME="${persona.prettyName.split(' ')[0]}"\nID=${osId}\nHOME_URL="https://www.${osId === 'rocky' ? 'rockylinux.org' : `${osId}.com`}/"\n`,
    '/etc/issue': `${persona.prettyName} \\n \\l\n\n`,
    '/etc/shadow': shadow(persona, ['root', ...homes]),
    '/proc/version': `Linux version ${persona.kernel} (buildd@lcy02-amd64-${persona.random.fork('buildd').int(10, 99)}) #1 SMP\n`,
    '/proc/cpuinfo': `processor\t: 0\nvendor_id\t: ${persona.cpuModel.startsWith('AMD') ? 'AuthenticAMD' : 'GenuineIntel'}\nmodel name\t: ${persona.cpuModel}\ncpu MHz\t\t: 2394.454\ncache size\t: 36608 KB\n\n`,
    '/proc/meminfo': `MemTotal:       ${persona.memTotalKb} kB\nMemFree:        ${Math.floor(persona.memTotalKb * 0.31)} kB\nMemAvailable:   ${Math.floor(persona.memTotalKb * 0.62)} kB\n`,
  }
  for (const user of homes) {
    files[`/home/${user}/.bashrc`] = '# ~/.bashrc: executed by bash(1) for non-login shells.\n'
    files[`/home/${user}/.profile`] = '# ~/.profile: executed by the command interpreter for login shells.\n'
  }
  files[`/home/${service}/.bash_history`] = [
    'sudo systemctl restart nginx',
    `scp backup.tar.gz ${service}@10.0.${persona.random.fork('peer').int(0, 20)}.${persona.random.fork('peer-host').int(2, 250)}:/srv/backup/`,
    'df -h',
    'exit',
  ].join('\n')
  files['/root/.bash_history'] = 'apt update\napt upgrade -y\nreboot\n'
  const directories: Record<string, string[]> = {
    '/': [
      'bin/',
      'boot/',
      'dev/',
      'etc/',
      'home/',
      'lib/',
      'lib64/',
      'media/',
      'mnt/',
      'opt/',
      'proc/',
      'root/',
      'run/',
      'sbin/',
      'srv/',
      'sys/',
      'tmp/',
      'usr/',
      'var/',
    ],
    '/home': homes.map((user) => `${user}/`),
    '/root': ['.bash_history', '.bashrc', '.profile', '.ssh/'],
    '/root/.ssh': ['authorized_keys'],
    '/etc': ['hostname', 'hosts', 'issue', 'os-release', 'passwd', 'shadow', 'ssh/', 'crontab', 'fstab'],
    '/tmp': [],
    '/var': ['backups/', 'cache/', 'lib/', 'log/', 'mail/', 'opt/', 'spool/', 'tmp/', 'www/'],
    '/var/www': ['html/'],
    '/opt': [],
    '/proc': ['cpuinfo', 'meminfo', 'version'],
  }
  for (const user of homes) {
    directories[`/home/${user}`] = files[`/home/${user}/.bash_history`]
      ? ['.bash_history', '.bashrc', '.profile']
      : ['.bashrc', '.profile']
  }
  return {
    list: (path) => directories[normalize(path)],
    read: (path) => files[normalize(path)],
  }
}

/** Plausible yescrypt/sha512 hashes, per decky; they match no password. */
function shadow(persona: Persona, users: string[]): string {
  const random = persona.random.fork('shadow')
  const alphabet = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  const chars = (n: number) => Array.from({ length: n }, () => alphabet[random.int(0, 63)]).join('')
  const prefix =
    persona.distro === 'rhel'
      ? () => `$6$${chars(16)}$${chars(86)}`
      : () => `$y$j9T$${chars(22)}$${chars(43)}`
  const lastChange = 19_000 + random.int(0, 900)
  const system = ['daemon', 'bin', 'sys', 'sync', 'www-data', 'nobody', 'systemd-network', 'sshd']
  return `${[
    ...users.slice(0, 1).map((u) => `${u}:${prefix()}:${lastChange}:0:99999:7:::`),
    ...system.map((u) => `${u}:*:${lastChange - 200}:0:99999:7:::`),
    ...users.slice(1).map((u) => `${u}:${prefix()}:${lastChange + random.int(1, 90)}:0:99999:7:::`),
  ].join('\n')}\n`
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
