import { type CommandContext, type CommandIo, fail } from './command-context.ts'
import { localTime } from './local-time.ts'
import { listenersOf } from './network-commands.ts'
import { lastBootMs } from './persona-facts.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * systemd's `systemctl` and SysV `service` on GNU personas: the units of the decky's own daemons are
 * active since the boot; stopping, disabling or masking one is accepted silently as root (and kept
 * for the session, so `status` then says inactive), refused with polkit's words otherwise.
 */
const BASE_UNITS = ['cron', 'rsyslog', 'systemd-journald', 'systemd-logind', 'systemd-udevd']

export function serviceCommands(context: CommandContext): Record<string, ShellCommand> {
  const stopped = new Set<string>()
  const unitOf = (name: string) => name.replace(/\.service$/, '')
  const units = () => {
    const own = listenersOf(context).map((l) =>
      l.process === 'sshd'
        ? context.host.persona.os.id === 'debian' || context.host.persona.os.id === 'ubuntu'
          ? 'ssh'
          : 'sshd'
        : l.process,
    )
    const rhel = !['debian', 'ubuntu', 'kali'].includes(context.host.persona.os.id)
    const base = BASE_UNITS.map((u) => (rhel && u === 'cron' ? 'crond' : u))
    // RHEL-family installs run firewalld from the start; Debian and Ubuntu ship no firewall daemon.
    return [...new Set([...base, ...(rhel ? ['firewalld'] : []), ...own])].sort()
  }
  const unitDir = ['debian', 'ubuntu', 'kali'].includes(context.host.persona.os.id)
    ? '/lib/systemd/system'
    : '/usr/lib/systemd/system'
  const since = () => {
    const boot = localTime(lastBootMs(context.host.persona, context.now()), context.host.persona.timezone)
    const two = (n: number) => String(n).padStart(2, '0')
    return `${boot.weekday} ${boot.year}-${two(boot.month)}-${two(boot.day)} ${two(boot.hour)}:${two(boot.minute)}:${two(boot.second)} ${boot.zone}`
  }
  const status = (unit: string, io: CommandIo): string => {
    if (!units().includes(unit)) return fail(io, `Unit ${unit}.service could not be found.\n`, 4)
    if (stopped.has(unit)) {
      io.status(3)
      return `○ ${unit}.service\n     Loaded: loaded (${unitDir}/${unit}.service; enabled; preset: enabled)\n     Active: inactive (dead)\n`
    }
    return `● ${unit}.service\n     Loaded: loaded (${unitDir}/${unit}.service; enabled; preset: enabled)\n     Active: active (running) since ${since()}\n`
  }
  const change = (action: string, names: string[], io: CommandIo): string => {
    if (context.uid !== 0)
      return fail(
        io,
        `Failed to ${action} ${names.map((n) => `${unitOf(n)}.service`).join(' ')}: Access denied\nSee system logs and 'systemctl status ${unitOf(names[0] ?? '')}.service' for details.\n`,
        1,
      )
    for (const name of names) {
      const unit = unitOf(name)
      if (!units().includes(unit))
        return ['enable', 'disable', 'mask', 'unmask'].includes(action)
          ? fail(io, `Failed to ${action} unit: Unit file ${unit}.service does not exist.\n`, 1)
          : fail(
              io,
              `Failed to ${action} ${unit}.service: Unit ${unit}.service not ${action === 'stop' || action === 'kill' ? 'loaded' : 'found'}.\n`,
              5,
            )
      if (['stop', 'disable', 'mask', 'kill'].includes(action)) stopped.add(unit)
      if (['start', 'restart', 'enable', 'unmask'].includes(action)) stopped.delete(unit)
      if (action === 'disable')
        io.err(`Removed "/etc/systemd/system/multi-user.target.wants/${unit}.service".\n`)
      if (action === 'mask') io.err(`Created symlink /etc/systemd/system/${unit}.service → /dev/null.\n`)
    }
    return ''
  }
  const systemctl: ShellCommand = (args, io) => {
    const [action = 'list-units', ...names] = args.filter((a) => !a.startsWith('-'))
    switch (action) {
      case 'status':
        return names.length
          ? names.map((n) => status(unitOf(n), io)).join('\n')
          : `● ${context.host.hostname}\n    State: running\n    Units: ${units().length + 212} loaded (incl. loaded aliases)\n     Jobs: 0 queued\n   Failed: 0 units\n    Since: ${since()}\n`
      case 'is-active':
        io.status(names.every((n) => units().includes(unitOf(n)) && !stopped.has(unitOf(n))) ? 0 : 3)
        return names
          .map((n) => (units().includes(unitOf(n)) && !stopped.has(unitOf(n)) ? 'active' : 'inactive'))
          .join('\n')
          .concat('\n')
      case 'is-enabled':
        return names
          .map((n) => (units().includes(unitOf(n)) ? 'enabled' : 'not-found'))
          .join('\n')
          .concat('\n')
      case 'list-units':
      case 'list-unit-files': {
        const rows = units().map(
          (u) =>
            `  ${`${u}.service`.padEnd(30)} loaded ${stopped.has(u) ? 'inactive dead   ' : 'active   running'} ${u}`,
        )
        return `  UNIT                           LOAD   ACTIVE SUB     DESCRIPTION\n${rows.join('\n')}\n\n${rows.length} loaded units listed.\n`
      }
      case 'daemon-reload':
        return context.uid === 0 ? '' : fail(io, 'Failed to reload daemon: Access denied\n', 1)
      case 'start':
      case 'stop':
      case 'restart':
      case 'reload':
      case 'enable':
      case 'disable':
      case 'mask':
      case 'unmask':
      case 'kill':
        if (names.length === 0) return fail(io, `Too few arguments.\n`, 1)
        return change(action, names, io)
      default:
        return fail(io, `Unknown command verb ${action}.\n`, 1)
    }
  }
  const service: ShellCommand = (args, io) => {
    const [name, action] = args
    if (name === '--status-all')
      return units()
        .map((u) => ` [ ${stopped.has(u) ? '-' : '+'} ]  ${u}`)
        .join('\n')
        .concat('\n')
    if (!name || !action)
      return fail(
        io,
        'Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n',
        1,
      )
    if (action === 'status') return status(unitOf(name), io)
    return change(action, [name], io)
  }
  if (context.busybox) return {}
  return { systemctl, service }
}
