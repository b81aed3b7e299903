import { type CommandContext, fail } from './command-context.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * The distro's package manager (apt/apt-get/dpkg, dnf/yum/rpm, apk, opkg). Queries answer from a
 * small installed set per distro; installs, updates and removals fail the way a host without a route
 * to its mirrors fails (name resolution), as non-root they fail on the lock or on permissions. Nothing
 * is ever installed, so what the intruder tried is all the package manager records.
 */

/** A few packages every install of the family has, with versions of the persona's release era. */
const INSTALLED: Record<'deb' | 'rpm' | 'apk', [string, string][]> = {
  deb: [
    ['bash', '5.2.15-2+b7'],
    ['coreutils', '9.1-1'],
    ['curl', '7.88.1-10+deb12u8'],
    ['openssh-server', '1:9.2p1-2+deb12u3'],
    ['python3', '3.11.2-1+b1'],
    ['sudo', '1.9.13p3-1+deb12u1'],
    ['wget', '1.21.3-1+b2'],
  ],
  rpm: [
    ['bash', '5.1.8-6.el9_1'],
    ['coreutils', '8.32-34.el9'],
    ['curl', '7.76.1-26.el9_3.2'],
    ['openssh-server', '8.7p1-34.el9'],
    ['python3', '3.9.18-1.el9_3'],
    ['sudo', '1.9.5p2-9.el9'],
    ['wget', '1.21.1-7.el9'],
  ],
  apk: [
    ['alpine-baselayout', '3.4.3-r2'],
    ['busybox', '1.36.1-r15'],
    ['musl', '1.2.4_git20230717-r4'],
    ['openssh-server', '9.6_p1-r0'],
    ['curl', '8.5.0-r0'],
  ],
}

const MIRROR_LISTS: Record<string, string> = {
  rocky: 'https://mirrors.rockylinux.org/mirrorlist?arch=x86_64&repo=BaseOS-',
  almalinux: 'https://mirrors.almalinux.org/mirrorlist/baseos-',
  centos: 'http://mirrorlist.centos.org/?arch=x86_64&repo=BaseOS&release=',
  fedora: 'https://mirrors.fedoraproject.org/metalink?arch=x86_64&repo=fedora-',
}

export function packageCommands(context: CommandContext): Record<string, ShellCommand> {
  const root = context.uid === 0
  const apt: ShellCommand = (args, io) => {
    const action = args.find((a) => !a.startsWith('-')) ?? ''
    if (action === '') return fail(io, 'apt 2.6.1 (amd64)\nUsage: apt [options] command\n', 1)
    if (
      [
        'install',
        'update',
        'upgrade',
        'remove',
        'purge',
        'dist-upgrade',
        'full-upgrade',
        'autoremove',
      ].includes(action)
    ) {
      if (!root)
        return fail(
          io,
          'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n',
          100,
        )
      const codename = context.host.persona.os.codename ?? 'stable'
      const mirror = context.host.persona.os.id === 'ubuntu' ? 'archive.ubuntu.com' : 'deb.debian.org'
      if (action === 'update') {
        io.err(
          `W: Failed to fetch http://${mirror}/${context.host.persona.os.id}/dists/${codename}/InRelease  Temporary failure resolving '${mirror}'\nW: Some index files failed to download. They have been ignored, or old ones used instead.\n`,
        )
        return `Err:1 http://${mirror}/${context.host.persona.os.id} ${codename} InRelease\n  Temporary failure resolving '${mirror}'\nReading package lists... Done\n`
      }
      const names = args.filter((a, i) => i > args.indexOf(action) && !a.startsWith('-'))
      const missing = names.find((name) => !INSTALLED.deb.some(([p]) => p === name))
      if (action === 'install' && missing) {
        io.status(100)
        io.err(`E: Unable to locate package ${missing}\n`)
        return 'Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n'
      }
      return `Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n${
        action === 'install'
          ? `${names.map((n) => `${n} is already the newest version.`).join('\n')}\n`
          : 'Calculating upgrade... Done\n'
      }0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n`
    }
    if (action === 'list' && args.includes('--installed'))
      return `Listing... Done\n${INSTALLED.deb.map(([name, version]) => `${name}/${context.host.persona.os.codename ?? 'stable'},now ${version} amd64 [installed]`).join('\n')}\n`
    return fail(io, `E: Invalid operation ${action}\n`, 100)
  }
  const dpkg: ShellCommand = (args, io) => {
    if (args[0] === '-l' || args[0] === '--list') {
      const header =
        'Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n||/ Name           Version           Architecture Description\n+++-==============-=================-============-=================================\n'
      const wanted = args[1]
      const rows = INSTALLED.deb.filter(([name]) => !wanted || name === wanted)
      if (wanted && rows.length === 0)
        return fail(io, `dpkg-query: no packages found matching ${wanted}\n`, 1)
      return (
        header +
        rows
          .map(([name, version]) => `ii  ${name.padEnd(14)} ${version.padEnd(17)} amd64        ${name}`)
          .join('\n')
          .concat('\n')
      )
    }
    if (args[0] === '--print-architecture') return 'amd64\n'
    if (args[0] === '-i' || args[0] === '--install') {
      if (!root) return fail(io, 'dpkg: error: requested operation requires superuser privilege\n', 2)
      const file = args[1] ?? ''
      return fail(io, `dpkg: error: cannot access archive '${file}': No such file or directory\n`, 2)
    }
    return fail(
      io,
      "dpkg: error: need an action option\n\nType dpkg --help for help about installing and deinstalling packages [*];\nUse 'apt' or 'aptitude' for user-friendly package management;\nType dpkg -Dhelp for a list of dpkg debug flag values;\nType dpkg --force-help for a list of forcing options;\nType dpkg-deb --help for help about manipulating *.deb files;\n\nOptions marked [*] produce a lot of output - pipe it through 'less' or 'more' !\n",
      2,
    )
  }
  const dnf =
    (tool: 'dnf' | 'yum'): ShellCommand =>
    (args, io) => {
      const action = args.find((a) => !a.startsWith('-')) ?? ''
      if (action === 'list' && args.includes('installed'))
        return `Installed Packages\n${INSTALLED.rpm.map(([name, version]) => `${`${name}.x86_64`.padEnd(40)}${version.padEnd(30)}@baseos`).join('\n')}\n`
      if (!['install', 'update', 'upgrade', 'remove', 'erase', 'makecache'].includes(action))
        return fail(io, `No such command: ${action}. Please use /usr/bin/${tool} --help\n`, 1)
      if (!root)
        return fail(
          io,
          'Error: This command has to be run with superuser privileges (under the root user on most systems).\n',
          1,
        )
      // The repository list the distro's dnf reads first, fetched from a mirror list it cannot resolve.
      const { id, versionId } = context.host.persona.os
      const major = versionId.split('.')[0] ?? '9'
      const mirror = MIRROR_LISTS[id] ?? (MIRROR_LISTS.rocky as string)
      const host = new URL(mirror).hostname
      const error = `Curl error (6): Couldn't resolve host name for ${mirror}${major} [Could not resolve host: ${host}]`
      io.err(
        `Errors during downloading metadata for repository 'baseos':\n  - ${error}\nError: Failed to download metadata for repo 'baseos': Cannot prepare internal mirrorlist: ${error}\n`,
      )
      io.status(1)
      return ''
    }
  const rpm: ShellCommand = (args, io) => {
    if (args.includes('-qa'))
      return `${INSTALLED.rpm.map(([name, version]) => `${name}-${version}.x86_64`).join('\n')}\n`
    if (args[0] === '-q' && args[1]) {
      const found = INSTALLED.rpm.find(([name]) => name === args[1])
      if (!found) return fail(io, `package ${args[1]} is not installed\n`, 1)
      return `${found[0]}-${found[1]}.x86_64\n`
    }
    return fail(io, 'rpm: no arguments given for query\n', 1)
  }
  const apk: ShellCommand = (args, io) => {
    const action = args.find((a) => !a.startsWith('-')) ?? ''
    if (action === 'info') return `${INSTALLED.apk.map(([name]) => name).join('\n')}\n`
    if (['add', 'update', 'upgrade', 'del', 'fix'].includes(action)) {
      if (!root)
        return fail(
          io,
          'ERROR: Unable to lock database: Permission denied\nERROR: Failed to open apk database: Permission denied\n',
          99,
        )
      const version = context.host.persona.os.versionId.split('.').slice(0, 2).join('.')
      io.err(
        `WARNING: fetching https://dl-cdn.alpinelinux.org/alpine/v${version}/main: temporary error (try again later)\nWARNING: fetching https://dl-cdn.alpinelinux.org/alpine/v${version}/community: temporary error (try again later)\n`,
      )
      if (action === 'update') {
        io.status(2)
        return `fetch https://dl-cdn.alpinelinux.org/alpine/v${version}/main/x86_64/APKINDEX.tar.gz\nfetch https://dl-cdn.alpinelinux.org/alpine/v${version}/community/x86_64/APKINDEX.tar.gz\n2 errors; 16 distinct packages available\n`
      }
      const names = args.filter((a, i) => i > args.indexOf(action) && !a.startsWith('-'))
      const missing = names.filter((name) => !INSTALLED.apk.some(([p]) => p === name))
      if (missing.length)
        return fail(
          io,
          `ERROR: unable to select packages:\n${missing.map((name) => `  ${name} (no such package):\n    required by: world[${name}]`).join('\n')}\n`,
          missing.length,
        )
      return 'OK: 9 MiB in 16 packages\n'
    }
    return fail(
      io,
      `apk-tools 2.14.0, compiled for x86_64.\n\nusage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n`,
      1,
    )
  }
  const opkg: ShellCommand = (args, io) => {
    const action = args.find((a) => !a.startsWith('-')) ?? ''
    if (action === 'list-installed')
      return 'base-files - 1521-r24106-10cc5fcd00\nbusybox - 1.36.1-1\ndropbear - 2022.82-6\n'
    if (action === 'update')
      return fail(
        io,
        'Downloading https://downloads.openwrt.org/releases/23.05.3/targets/ramips/mt7621/packages/Packages.gz\n*** Failed to download the package list from https://downloads.openwrt.org/releases/23.05.3/targets/ramips/mt7621/packages/Packages.gz\n\nCollected errors:\n * opkg_download: Failed to download https://downloads.openwrt.org/releases/23.05.3/targets/ramips/mt7621/packages/Packages.gz, wget returned 4.\n',
        1,
      )
    if (action === 'install') {
      const name = args[args.indexOf(action) + 1] ?? ''
      return fail(
        io,
        `Unknown package '${name}'.\nCollected errors:\n * opkg_install_cmd: Cannot install package ${name}.\n`,
        255,
      )
    }
    return fail(io, 'opkg must have one sub-command argument\n', 1)
  }
  return {
    apt,
    'apt-get': apt,
    'apt-cache': (args, io) =>
      args[0] === 'policy'
        ? 'Package files:\n 100 /var/lib/dpkg/status\n     release a=now\nPinned packages:\n'
        : fail(io, `E: Invalid operation ${args[0] ?? ''}\n`, 100),
    dpkg,
    'dpkg-query': (args, io) => dpkg(args[0] === '-W' ? ['-l', ...args.slice(1)] : args, io),
    dnf: dnf('dnf'),
    yum: dnf('yum'),
    rpm,
    apk,
    opkg,
  }
}
