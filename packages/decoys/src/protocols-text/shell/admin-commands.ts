import { createHash } from 'node:crypto'
import { type CommandContext, fail, parseFlags } from './command-context.ts'
import { findNeighbour } from './host-network.ts'
import { uptimeAt } from './persona-facts.ts'
import { isVirtual } from './proc.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * Host administration an intruder tries: power (reboot, shutdown, halt, poweroff — accepted as root
 * and never carried out, the session goes on as if the command were still pending), dmesg, getconf,
 * arch, lsb_release, umount, and OpenSSH's client tools (ssh to another host times out: the decky
 * reaches nothing; ssh-keygen makes a key pair in the overlay).
 */
export function adminCommands(context: CommandContext): Record<string, ShellCommand> {
  const root = context.uid === 0
  const { persona } = context.host
  /**
   * A topology neighbour's sshd answers `user@host` (it wants a password this non-interactive client
   * cannot give); undefined for any other host.
   */
  const neighbourDenies = (login: string): string | undefined => {
    const host = login.split('@').pop() ?? login
    const topology = context.host.topology
    if (!topology || !findNeighbour(topology, host)) return undefined
    return `${login.includes('@') ? login : `${context.user}@${host}`}: Permission denied (publickey,password).\n`
  }
  const power =
    (tool: string): ShellCommand =>
    (args, io) => {
      if (!root)
        return fail(
          io,
          context.busybox
            ? `${tool}: Operation not permitted\n`
            : `Call to ${tool === 'shutdown' ? 'PowerOff' : tool === 'halt' ? 'Halt' : tool === 'reboot' ? 'Reboot' : 'PowerOff'} failed: Access denied\n`,
        )
      context.emit('power_command', { username: context.user, command: [tool, ...args].join(' ') })
      if (
        tool === 'shutdown' &&
        !args.includes('now') &&
        !args.some((a) => /^\+?\d+$/.test(a) || /^\d+:\d+$/.test(a)) &&
        !args.includes('-c')
      )
        return `Shutdown scheduled for ${new Date(context.now() + 60_000).toUTCString().replace('GMT', 'UTC')}, use 'shutdown -c' to cancel.\n`
      return ''
    }
  return {
    reboot: power('reboot'),
    shutdown: power('shutdown'),
    halt: power('halt'),
    poweroff: power('poweroff'),
    dmesg: (_args, io) => {
      if (!root && !context.busybox)
        return fail(io, 'dmesg: read kernel buffer failed: Operation not permitted\n')
      const boot = uptimeAt(persona, context.now())
      const stamp = (s: number) => `[${s.toFixed(6).padStart(12)}]`
      return `${stamp(0)} Linux version ${context.host.kernel} ${persona.os.kernelVersion}\n${stamp(0)} Command line: BOOT_IMAGE=/boot/vmlinuz-${context.host.kernel} root=UUID=${createHash(
        'md5',
      )
        .update(persona.seed)
        .digest('hex')
        .replace(
          /(.{8})(.{4})(.{4})(.{4})(.{12})/,
          '$1-$2-$3-$4-$5',
        )} ro quiet\n${stamp(0.000001)} x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'\n${stamp(0.11)} smpboot: Allowing ${persona.hardware.cpuCores} CPUs, 0 hotplug CPUs\n${stamp(1.84)} EXT4-fs (sda1): mounted filesystem with ordered data mode. Quota mode: none.\n${stamp(3.02)} e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None\n${stamp(Math.min(boot, 4.5))} IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready\n`
    },
    getconf: (args, io) => {
      const name = args[0]
      if (name === '_NPROCESSORS_ONLN' || name === '_NPROCESSORS_CONF')
        return `${persona.hardware.cpuCores}\n`
      if (name === 'LONG_BIT')
        return persona.os.arch === 'x86_64' || persona.os.arch === 'aarch64' ? '64\n' : '32\n'
      if (name === 'PAGESIZE' || name === 'PAGE_SIZE') return '4096\n'
      if (name === 'CLK_TCK') return '100\n'
      return fail(io, name ? `getconf: Unrecognized variable '${name}'\n` : 'Usage: getconf [-v SPEC] VAR\n')
    },
    arch: () => `${persona.os.arch}\n`,
    // pciutils: a QEMU/KVM guest's virtio devices, or a server's chipset and NIC.
    lspci: () =>
      isVirtual(persona)
        ? '00:00.0 Host bridge: Intel Corporation 82G33/G31/P35/P31 Express DRAM Controller\n00:01.0 VGA compatible controller: Device 1234:1111 (rev 02)\n00:02.0 Ethernet controller: Red Hat, Inc. Virtio network device\n00:03.0 SCSI storage controller: Red Hat, Inc. Virtio SCSI\n00:1f.0 ISA bridge: Intel Corporation 82801IB (ICH9) LPC Interface Controller (rev 02)\n00:1f.2 SATA controller: Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode] (rev 02)\n'
        : '00:00.0 Host bridge: Intel Corporation Sky Lake-E DMI3 Registers (rev 07)\n00:17.0 SATA controller: Intel Corporation C620 Series Chipset Family SATA Controller [AHCI mode] (rev 09)\n01:00.0 Ethernet controller: Broadcom Inc. and subsidiaries NetXtreme BCM5720 Gigabit Ethernet PCIe\n03:00.0 VGA compatible controller: Matrox Electronics Systems Ltd. Integrated Matrox G200eW3 Graphics Controller (rev 04)\n',
    lsb_release: (args) => {
      const { flags } = parseFlags(args)
      const version = persona.os.versionId
      const codename = persona.os.codename ?? 'n/a'
      const rows: [string, string, string][] = [
        ['i', 'Distributor ID:', persona.os.id === 'ubuntu' ? 'Ubuntu' : 'Debian'],
        ['d', 'Description:', persona.os.name],
        ['r', 'Release:', version],
        ['c', 'Codename:', codename],
      ]
      const all = flags.has('a')
      const chosen = rows.filter(([flag]) => all || flags.has(flag))
      const shown = chosen.length
        ? chosen
        : [['', 'No LSB modules are available.', ''] as [string, string, string]]
      return `${shown.map(([, key, value]) => (flags.has('s') ? value : value ? `${key}\t${value}` : key)).join('\n')}\n`
    },
    umount: (args, io) => {
      const target = args.filter((a) => !a.startsWith('-')).pop() ?? ''
      if (!root) return fail(io, `umount: ${target}: must be superuser to unmount.\n`, 32)
      return fail(io, `umount: ${target}: target is busy.\n`, 32)
    },
    ssh: (args, io) => {
      const target = args
        .filter((a, i) => !a.startsWith('-') && !/^-[pioFlLRDJ]$/.test(args[i - 1] ?? ''))
        .shift()
      if (!target)
        return fail(
          io,
          'usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           destination [command [argument ...]]\n',
          255,
        )
      const host = target.split('@').pop() ?? target
      const denied = neighbourDenies(target)
      if (denied) return fail(io, denied, 255)
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(host))
        return fail(
          io,
          `ssh: Could not resolve hostname ${host}: Temporary failure in name resolution\n`,
          255,
        )
      return fail(io, `ssh: connect to host ${host} port 22: Connection timed out\n`, 255)
    },
    scp: (args, io) => {
      const remote = args.find((a) => /^[^/]*:/.test(a) && !a.startsWith('-'))
      if (!remote)
        return fail(
          io,
          'usage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]\n           [-i identity_file] [-J destination] [-l limit] [-o ssh_option]\n           [-P port] [-S program] [-X sftp_option] source ... target\n',
          1,
        )
      const login = remote.split(':')[0] ?? ''
      const host = login.split('@').pop() ?? ''
      const denied = neighbourDenies(login)
      if (denied) return fail(io, `${denied}lost connection\n`, 255)
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(host))
        return fail(
          io,
          `ssh: Could not resolve hostname ${host}: Temporary failure in name resolution\nlost connection\n`,
          255,
        )
      return fail(io, `ssh: connect to host ${host} port 22: Connection timed out\nlost connection\n`, 255)
    },
    sshd: (_args, io) =>
      fail(
        io,
        root
          ? 'sshd re-exec requires execution with an absolute path\n'
          : 'sshd: no hostkeys available -- exiting.\n',
        1,
      ),
    crond: (_args, io) =>
      fail(
        io,
        root
          ? "crond: can't lock /var/run/crond.pid, otherpid may be 520: Resource temporarily unavailable\n"
          : "crond: can't open or create /var/run/crond.pid: Permission denied\n",
      ),
    visudo: (_args, io) =>
      root
        ? fail(io, 'visudo: /etc/sudoers.tmp unchanged\n', 0)
        : fail(io, 'visudo: /etc/sudoers: Permission denied\n'),
    'ssh-keygen': (args, io) => {
      const typeAt = args.indexOf('-t')
      const type = typeAt >= 0 ? (args[typeAt + 1] ?? 'rsa') : 'rsa'
      const fileAt = args.indexOf('-f')
      const home = context.home
      const path = fileAt >= 0 ? (args[fileAt + 1] ?? '') : `${home}/.ssh/id_${type}`
      const resolved = context.resolve(path)
      if (!context.mayWrite(resolved)) return fail(io, `Saving key "${path}" failed: Permission denied\n`)
      const random = createHash('sha256')
        .update(`${persona.seed}${resolved}${context.now()}`)
        .digest('base64')
        .replace(/=+$/, '')
      const written =
        context.fs.writeText(
          resolved,
          `-----BEGIN OPENSSH PRIVATE KEY-----\n${random}\n-----END OPENSSH PRIVATE KEY-----\n`,
          false,
          context.user,
          context.now(),
        ) &&
        context.fs.writeText(
          `${resolved}.pub`,
          `ssh-${type === 'rsa' ? 'rsa' : type} AAAA${random} ${context.user}@${context.host.hostname}\n`,
          false,
          context.user,
          context.now(),
        )
      if (!written) return fail(io, `Saving key "${path}" failed: No such file or directory\n`)
      context.fs.setMode(resolved, '-rw-------', context.now())
      return `Generating public/private ${type} key pair.\nYour identification has been saved in ${path}\nYour public key has been saved in ${path}.pub\nThe key fingerprint is:\nSHA256:${random.slice(0, 43)} ${context.user}@${context.host.hostname}\n`
    },
  }
}
