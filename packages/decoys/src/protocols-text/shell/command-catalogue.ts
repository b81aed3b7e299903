import type { ShellHost } from './persona.ts'
import { packageManagerOf } from './persona.ts'

/**
 * Which commands the persona's OS ships and where their files are: the one list `which`, `type`,
 * `busybox --list`, `ls /usr/bin` and the "command not found" decision read. A command the OS does
 * not ship (gcc on a server image, apt on Rocky) fails as the real shell says, even when the fake
 * shell could answer it. Lists follow the distros' minimal server installs (Debian 12 `standard`,
 * Ubuntu 22.04 server, Rocky 9 minimal + the usual admin tools) and busybox 1.36's default applets.
 */

/** Commands every GNU persona ships, by directory (merged /usr: /bin and /sbin link here). */
const GNU_BIN = [
  'awk',
  'base64',
  'basename',
  'bash',
  'cat',
  'chattr',
  'chgrp',
  'chmod',
  'chown',
  'clear',
  'cp',
  'crontab',
  'curl',
  'cut',
  'date',
  'dd',
  'df',
  'dirname',
  'dmesg',
  'du',
  'echo',
  'egrep',
  'env',
  'false',
  'fgrep',
  'file',
  'find',
  'free',
  'getconf',
  'grep',
  'groups',
  'gunzip',
  'gzip',
  'head',
  'hostname',
  'id',
  'ip',
  'kill',
  'killall',
  'last',
  'lastlog',
  'ln',
  'ls',
  'lsattr',
  'lsblk',
  'lspci',
  'lscpu',
  'md5sum',
  'mkdir',
  'mount',
  'mv',
  'netstat',
  'nohup',
  'nproc',
  'passwd',
  'perl',
  'pgrep',
  'ping',
  'pkill',
  'printenv',
  'printf',
  'ps',
  'pwd',
  'python3',
  'readlink',
  'rm',
  'rmdir',
  'scp',
  'sed',
  'seq',
  'sh',
  'sha1sum',
  'sha256sum',
  'sleep',
  'sort',
  'ss',
  'ssh',
  'ssh-keygen',
  'stat',
  'su',
  'sudo',
  'systemctl',
  'tail',
  'tar',
  'tee',
  'test',
  'top',
  'touch',
  'tr',
  'true',
  'umount',
  'uname',
  'uniq',
  'uptime',
  'users',
  'w',
  'wc',
  'wget',
  'whereis',
  'which',
  'who',
  'whoami',
  'xargs',
  'yes',
  'arch',
  'hostnamectl',
  'timedatectl',
  'journalctl',
]
const GNU_SBIN = [
  'adduser',
  'arp',
  'chpasswd',
  'dmidecode',
  'groupadd',
  'ifconfig',
  'iptables',
  'halt',
  'poweroff',
  'reboot',
  'route',
  'service',
  'shutdown',
  'sshd',
  'sysctl',
  'useradd',
  'userdel',
  'usermod',
  'visudo',
]

/** busybox 1.36 applets as Alpine and OpenWrt-style firmware link them (a subset: what intruders type). */
export const BUSYBOX_APPLETS: Readonly<Record<string, '/bin' | '/sbin' | '/usr/bin' | '/usr/sbin'>> = {
  ash: '/bin',
  base64: '/bin',
  busybox: '/bin',
  cat: '/bin',
  chgrp: '/bin',
  chmod: '/bin',
  chown: '/bin',
  cp: '/bin',
  date: '/bin',
  dd: '/bin',
  df: '/bin',
  dmesg: '/bin',
  echo: '/bin',
  egrep: '/bin',
  false: '/bin',
  fgrep: '/bin',
  grep: '/bin',
  gunzip: '/bin',
  gzip: '/bin',
  hostname: '/bin',
  kill: '/bin',
  ln: '/bin',
  ls: '/bin',
  mkdir: '/bin',
  mount: '/bin',
  mv: '/bin',
  netstat: '/bin',
  ping: '/bin',
  ps: '/bin',
  pwd: '/bin',
  rm: '/bin',
  rmdir: '/bin',
  sed: '/bin',
  sh: '/bin',
  sleep: '/bin',
  stat: '/bin',
  su: '/bin',
  tar: '/bin',
  touch: '/bin',
  true: '/bin',
  umount: '/bin',
  uname: '/bin',
  arch: '/bin',
  chattr: '/bin',
  lsattr: '/bin',
  ifconfig: '/sbin',
  ip: '/sbin',
  halt: '/sbin',
  poweroff: '/sbin',
  reboot: '/sbin',
  route: '/sbin',
  arp: '/usr/sbin',
  adduser: '/usr/sbin',
  chpasswd: '/usr/sbin',
  crond: '/usr/sbin',
  deluser: '/usr/sbin',
  awk: '/usr/bin',
  basename: '/usr/bin',
  clear: '/usr/bin',
  crontab: '/usr/bin',
  cut: '/usr/bin',
  dirname: '/usr/bin',
  du: '/usr/bin',
  env: '/usr/bin',
  find: '/usr/bin',
  free: '/usr/bin',
  head: '/usr/bin',
  id: '/usr/bin',
  killall: '/usr/bin',
  last: '/usr/bin',
  md5sum: '/usr/bin',
  nohup: '/usr/bin',
  nproc: '/usr/bin',
  passwd: '/usr/bin',
  pgrep: '/usr/bin',
  pkill: '/usr/bin',
  printf: '/usr/bin',
  readlink: '/usr/bin',
  seq: '/usr/bin',
  sha1sum: '/usr/bin',
  sha256sum: '/usr/bin',
  sort: '/usr/bin',
  tail: '/usr/bin',
  tee: '/usr/bin',
  test: '/usr/bin',
  top: '/usr/bin',
  tr: '/usr/bin',
  uniq: '/usr/bin',
  uptime: '/usr/bin',
  w: '/usr/bin',
  wc: '/usr/bin',
  wget: '/usr/bin',
  which: '/usr/bin',
  who: '/usr/bin',
  whoami: '/usr/bin',
  xargs: '/usr/bin',
  yes: '/usr/bin',
}

/** Where each shipped command lives on this persona (name → directory). */
export type CommandCatalogue = ReadonlyMap<string, string>

export function commandCatalogue(host: ShellHost): CommandCatalogue {
  const shipped = new Map<string, string>()
  if (host.userland === 'busybox') {
    for (const [name, dir] of Object.entries(BUSYBOX_APPLETS)) shipped.set(name, dir)
    // Alpine adds its package manager and OpenSSH's client; firmware has opkg (OpenWrt) or nothing.
    const pm = packageManagerOf(host.persona)
    if (pm === 'apk') shipped.set('apk', '/sbin')
    if (pm === 'opkg') shipped.set('opkg', '/bin')
    if (host.persona.family !== 'embedded') {
      shipped.set('ssh', '/usr/bin')
      shipped.set('scp', '/usr/bin')
      shipped.set('ssh-keygen', '/usr/bin')
      shipped.set('curl', '/usr/bin')
    }
    return shipped
  }
  for (const name of GNU_BIN) shipped.set(name, '/usr/bin')
  for (const name of GNU_SBIN) shipped.set(name, '/usr/sbin')
  const pm = packageManagerOf(host.persona)
  if (pm === 'apt') {
    for (const name of ['apt', 'apt-get', 'apt-cache', 'dpkg', 'dpkg-query']) shipped.set(name, '/usr/bin')
    // ubuntu-standard adds lsb_release and OpenBSD netcat to every server install.
    if (host.persona.os.id === 'ubuntu')
      for (const name of ['lsb_release', 'nc']) shipped.set(name, '/usr/bin')
  } else if (pm === 'dnf' || pm === 'yum') {
    for (const name of ['dnf', 'yum', 'rpm']) shipped.set(name, '/usr/bin')
    if (pm === 'yum') shipped.delete('dnf')
    // Debian's adduser wrapper is a RHEL symlink to useradd; both answer.
  } else if (pm === 'pacman') shipped.set('pacman', '/usr/bin')
  return shipped
}

/** `ls -l` size of a shipped binary: fixed per name, in the range real ones have. */
export function binarySize(name: string, busybox: boolean): number {
  if (busybox) return name === 'busybox' ? 821_856 : 12
  let hash = 2166136261
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0
  return 14_000 + (hash % 180_000)
}
