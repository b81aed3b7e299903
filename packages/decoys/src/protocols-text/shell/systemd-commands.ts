import { createHash } from 'node:crypto'
import { type CommandContext, fail } from './command-context.ts'
import { localTime } from './local-time.ts'
import { lastBootMs } from './persona-facts.ts'
import { isVirtual } from './proc.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * The host-identity tools of systemd and procps/dmidecode that recon scripts call (hostnamectl,
 * timedatectl, journalctl, sysctl, dmidecode): every value from the persona, so they agree with
 * uname, /etc/os-release, the clock and lscpu.
 */
export function systemdCommands(context: CommandContext): Record<string, ShellCommand> {
  const { persona } = context.host
  const two = (n: number) => String(n).padStart(2, '0')
  const stamp = (ms: number) => {
    const t = localTime(ms, persona.timezone)
    return `${t.weekday} ${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)} ${t.zone}`
  }
  const virtual = isVirtual(persona)
  return {
    hostnamectl: () =>
      ` Static hostname: ${context.host.hostname}\n       Icon name: ${virtual ? 'computer-vm' : 'computer-server'}\n         Chassis: ${virtual ? 'vm 🖴' : 'server 🖳'}\n      Machine ID: ${persona.machineId}\n        Boot ID: ${createHash(
        'sha256',
      )
        .update(`${persona.machineId}/boot/${lastBootMs(persona, context.now())}`)
        .digest('hex')
        .slice(
          0,
          32,
        )}\n${virtual ? `  Virtualization: ${/vmware/i.test(persona.hardware.vendor) ? 'vmware' : 'kvm'}\n` : ''}Operating System: ${persona.os.name}\n          Kernel: Linux ${context.host.kernel}\n    Architecture: ${persona.os.arch === 'x86_64' ? 'x86-64' : persona.os.arch}\n Hardware Vendor: ${persona.hardware.vendor}\n  Hardware Model: ${persona.hardware.model}\n`,
    timedatectl: () => {
      const now = context.now()
      const utc = new Date(now).toISOString()
      return `               Local time: ${stamp(now)}\n           Universal time: ${localTime(now, 'UTC').weekday} ${utc.slice(0, 10)} ${utc.slice(11, 19)} UTC\n                 RTC time: ${utc.slice(0, 10)} ${utc.slice(11, 19)}\n                Time zone: ${persona.timezone} (${localTime(now, persona.timezone).zone})\nSystem clock synchronized: yes\n              NTP service: active\n          RTC in local TZ: no\n`
    },
    journalctl: (_args, io) => {
      if (context.uid !== 0)
        return fail(
          io,
          "Hint: You are currently not seeing messages from other users and the system.\n      Users in groups 'adm', 'systemd-journal' can see all messages.\n      Pass -q to turn off this notice.\n-- No entries --\n",
          1,
        )
      const boot = lastBootMs(persona, context.now())
      const t = localTime(boot, persona.timezone)
      const at = `${t.monthName} ${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`
      return `${at} ${context.host.hostname} kernel: Linux version ${context.host.kernel} ${persona.os.kernelVersion}\n${at} ${context.host.hostname} systemd[1]: Reached target multi-user.target - Multi-User System.\n${at} ${context.host.hostname} sshd[${context.host.random.fork('pids').int(600, 900)}]: Server listening on 0.0.0.0 port 22.\n`
    },
    sysctl: (args, io) => {
      const values: Record<string, string> = {
        'kernel.hostname': context.host.hostname,
        'kernel.osrelease': context.host.kernel,
        'kernel.ostype': 'Linux',
        'kernel.pid_max': '4194304',
        'net.ipv4.ip_forward': '0',
        'net.ipv4.ip_default_ttl': '64',
        'vm.nr_hugepages': '0',
        'vm.overcommit_memory': '0',
        'fs.file-max': '9223372036854775807',
      }
      if (args.includes('-a'))
        return Object.entries(values)
          .map(([key, value]) => `${key} = ${value}`)
          .join('\n')
          .concat('\n')
      const out: string[] = []
      for (const arg of args.filter((a) => !a.startsWith('-'))) {
        const [key = '', assigned] = arg.split('=')
        if (assigned !== undefined) {
          if (context.uid !== 0) return fail(io, `sysctl: permission denied on key "${key}"\n`, 255)
          values[key] = assigned
          out.push(`${key} = ${assigned}`)
        } else if (values[key] !== undefined)
          out.push(args.includes('-n') ? (values[key] as string) : `${key} = ${values[key]}`)
        else {
          io.err(`sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory\n`)
          io.status(255)
        }
      }
      return out.length ? `${out.join('\n')}\n` : ''
    },
    dmidecode: (args, io) => {
      if (context.uid !== 0)
        return fail(
          io,
          '/sys/firmware/dmi/tables/smbios_entry_point: Permission denied\nScanning /dev/mem for entry point.\n/dev/mem: Permission denied\n',
          1,
        )
      const keyword = args[args.indexOf('-s') + 1]
      const strings: Record<string, string> = {
        'system-manufacturer': persona.hardware.vendor,
        'system-product-name': persona.hardware.model,
        'system-serial-number': persona.hardware.serial,
        'processor-version': persona.hardware.cpuModel,
      }
      if (args.includes('-s'))
        return keyword && strings[keyword] !== undefined
          ? `${strings[keyword]}\n`
          : fail(io, `Invalid string keyword: ${keyword ?? ''}\n`, 2)
      return `# dmidecode 3.4\nGetting SMBIOS data from sysfs.\nSMBIOS 3.0.0 present.\n\nHandle 0x0100, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: ${persona.hardware.vendor}\n\tProduct Name: ${persona.hardware.model}\n\tSerial Number: ${persona.hardware.serial}\n\tUUID: ${persona.machineId.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')}\n\nHandle 0x0400, DMI type 4, 48 bytes\nProcessor Information\n\tVersion: ${persona.hardware.cpuModel}\n\tCore Count: ${persona.hardware.cpuCores}\n`
    },
  }
}
