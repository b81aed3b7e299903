import { type CommandContext, type CommandIo, fail, parseFlags } from './command-context.ts'
import { accountsOf } from './filesystem.ts'
import { localTime } from './local-time.ts'
import { lastBootMs } from './persona-facts.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * Accounts and logins (passwd, chpasswd, useradd/adduser, usermod, userdel, groupadd, su, groups,
 * who, users, last, lastlog). Changes are accepted as root with the tools' own output, recorded as an
 * `account_change` event, and written nowhere: the decky's real credentials never change. Non-root
 * callers get the tools' permission errors.
 */
export function accountCommands(context: CommandContext): Record<string, ShellCommand> {
  const root = context.uid === 0
  const users = () => ['root', ...accountsOf(context.host, context.user)]
  const known = (name: string) =>
    users().includes(name) ||
    new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`, 'm').test(
      context.fs.read('/etc/passwd', context.now()) ?? '',
    )
  const record = (tool: string, target: string, detail = '') =>
    context.emit('account_change', { username: context.user, tool, target, ...(detail ? { detail } : {}) })
  const denied = (tool: string, io: CommandIo) =>
    fail(
      io,
      context.busybox
        ? `${tool}: must be suid to work properly\n`
        : `${tool}: Permission denied.\n${tool}: cannot lock /etc/passwd; try again later.\n`,
      1,
    )

  const passwd: ShellCommand = (args, io) => {
    const { operands, flags } = parseFlags(args)
    const target = operands[0] ?? context.user
    if (!root && target !== context.user)
      return fail(io, `passwd: You may not view or modify password information for ${target}.\n`, 1)
    if (!known(target)) return fail(io, `passwd: user '${target}' does not exist\n`, 1)
    if (flags.has('S')) return `${target} P ${'12/01/2026'} 0 99999 7 -1\n`
    const input = io.stdin.split('\n').filter(Boolean)
    if (input.length < 2 && !flags.has('d')) {
      // No terminal to read the new password from (a pipe with too few lines).
      return fail(
        io,
        `New password: \nRetype new password: \npasswd: Authentication token manipulation error\npasswd: password unchanged\n`,
        10,
      )
    }
    record('passwd', target)
    io.err('New password: \nRetype new password: \n')
    return context.busybox
      ? `passwd: password for ${target} changed by ${context.user}\n`
      : 'passwd: password updated successfully\n'
  }
  const chpasswd: ShellCommand = (_args, io) => {
    if (!root)
      return fail(
        io,
        'chpasswd: Permission denied.\nchpasswd: cannot lock /etc/passwd; try again later.\n',
        1,
      )
    let status = 0
    io.stdin
      .split('\n')
      .filter(Boolean)
      .forEach((line, i) => {
        const name = line.split(':')[0] ?? ''
        if (!line.includes(':')) {
          io.err(`chpasswd: line ${i + 1}: missing new password\n`)
          status = 1
        } else if (!known(name)) {
          io.err(`chpasswd: line ${i + 1}: user '${name}' does not exist\n`)
          status = 1
        } else record('chpasswd', name)
      })
    if (status) {
      io.err('chpasswd: error detected, changes ignored\n')
      io.status(1)
    }
    return ''
  }
  const useradd =
    (tool: string): ShellCommand =>
    (args, io) => {
      if (!root) return denied(tool, io)
      const { operands } = parseFlags(args.filter((_, i) => !/^-[dgGsupcme]$/.test(args[i - 1] ?? '')))
      const name = operands[operands.length - 1]
      if (!name) return fail(io, `Usage: ${tool} [options] LOGIN\n`, 2)
      if (known(name)) return fail(io, `${tool}: user '${name}' already exists\n`, 9)
      record(tool, name, args.join(' '))
      addAccount(name, tool === 'adduser' || args.includes('-m') || args.includes('--create-home'), args)
      if (tool === 'adduser' && !context.busybox)
        return `Adding user \`${name}' ...\nAdding new group \`${name}' (1002) ...\nAdding new user \`${name}' (1002) with group \`${name} (1002)' ...\nCreating home directory \`/home/${name}' ...\nCopying files from \`/etc/skel' ...\n`
      return ''
    }
  /** The new account, for the rest of this attacker's sessions: passwd, shadow, group, home. */
  const addAccount = (name: string, home: boolean, args: string[]) => {
    const at = context.now()
    const passwdText = context.fs.read('/etc/passwd', at) ?? ''
    const uids = [...passwdText.matchAll(/^[^:]+:[^:]*:(\d+):/gm)]
      .map((m) => Number(m[1]))
      .filter((n) => n >= 1000 && n < 60_000)
    const uid = Math.max(999, ...uids) + 1
    const shellAt = args.indexOf('-s')
    const loginShell =
      shellAt >= 0 ? (args[shellAt + 1] ?? '/bin/sh') : context.busybox ? '/bin/ash' : '/bin/sh'
    const days = Math.floor(at / 86_400_000)
    context.fs.writeText(
      '/etc/passwd',
      `${name}:x:${uid}:${uid}::/home/${name}:${loginShell}\n`,
      true,
      'root',
      at,
    )
    context.fs.writeText('/etc/shadow', `${name}:!:${days}:0:99999:7:::\n`, true, 'root', at)
    context.fs.writeText('/etc/group', `${name}:x:${uid}:\n`, true, 'root', at)
    if (home) context.fs.mkdir(`/home/${name}`, name, at)
  }
  const usermod =
    (tool: string): ShellCommand =>
    (args, io) => {
      if (!root) return denied(tool, io)
      const name = args.filter((a) => !a.startsWith('-')).pop()
      if (!name) return fail(io, `Usage: ${tool} [options] LOGIN\n`, 2)
      if (tool !== 'groupadd' && !known(name)) return fail(io, `${tool}: user '${name}' does not exist\n`, 6)
      record(tool, name, args.join(' '))
      return ''
    }
  const su: ShellCommand = (args, io) => {
    const target =
      args.filter((a) => !a.startsWith('-') && a !== args[args.indexOf('-c') + 1]).pop() ?? 'root'
    if (root) {
      if (!known(target))
        return fail(
          io,
          `su: user ${target} does not exist or the user entry does not contain all the required fields\n`,
          1,
        )
      return ''
    }
    io.err('Password: \n')
    return fail(io, context.busybox ? 'su: incorrect password\n' : 'su: Authentication failure\n', 1)
  }
  const groups: ShellCommand = (args) => {
    const target = args[0] ?? context.user
    if (target === 'root') return args[0] ? 'root : root\n' : 'root\n'
    const debianLike = ['debian', 'ubuntu', 'kali'].includes(context.host.persona.os.id)
    const list = `${target} adm ${debianLike ? 'sudo' : 'wheel'}`
    return args[0] ? `${target} : ${list}\n` : `${list}\n`
  }
  const loginAt = () => localTime(context.session.loginMs, context.host.persona.timezone)
  const two = (n: number) => String(n).padStart(2, '0')
  const who: ShellCommand = () => {
    const t = loginAt()
    return `${context.user.padEnd(8)} pts/0        ${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)} (${context.session.from})\n`
  }
  const last: ShellCommand = () => {
    const tz = context.host.persona.timezone
    const t = loginAt()
    const random = context.host.random.fork('last')
    const peer = context.host.ip.replace(/\.\d+$/, `.${random.int(2, 250)}`)
    const earlierMs = context.session.loginMs - random.int(2, 30) * 86_400_000 - random.int(0, 86_400_000)
    const minutes = random.int(3, 59)
    const earlier = localTime(earlierMs, tz)
    const logout = localTime(earlierMs + minutes * 60_000, tz)
    const boot = localTime(lastBootMs(context.host.persona, context.now()), tz)
    const stamp = (x: typeof t) =>
      `${x.weekday} ${x.monthName} ${String(x.day).padStart(2)} ${two(x.hour)}:${two(x.minute)}`
    const admin = context.host.humanUsers[0] ?? 'admin'
    return `${context.user.padEnd(8)} pts/0        ${context.session.from.padEnd(16)} ${stamp(t)}   still logged in\n${admin.padEnd(8)} pts/0        ${peer.padEnd(16)} ${stamp(earlier)} - ${two(logout.hour)}:${two(logout.minute)}  (00:${two(minutes)})\nreboot   system boot  ${context.host.kernel.padEnd(16)} ${stamp(boot)}   still running\n\nwtmp begins ${stamp(boot)}:${two(boot.second)} ${boot.year}\n`
  }
  const lastlog: ShellCommand = () => {
    const t = loginAt()
    return `Username         Port     From             Latest\nroot             pts/0    ${context.session.from.padEnd(16)} ${t.weekday} ${t.monthName} ${String(t.day).padStart(2)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)} ${t.zone} ${t.year}\ndaemon                                     **Never logged in**\nbin                                        **Never logged in**\n`
  }
  return {
    passwd,
    chpasswd,
    useradd: useradd('useradd'),
    adduser: useradd('adduser'),
    usermod: usermod('usermod'),
    userdel: usermod('userdel'),
    deluser: usermod('deluser'),
    groupadd: usermod('groupadd'),
    su,
    groups,
    who,
    users: () => `${context.user}\n`,
    last,
    lastlog,
  }
}

/**
 * `sudo` typed by root: runs the command as is (sudo asks root for no password); `-l` lists root's
 * rights as sudoers' defaults grant them. Other users go through the password prompt they fail.
 */
export function sudoAsRoot(
  context: CommandContext,
  args: string[],
): { argv: string[] } | { out: string; err: string; status: number } {
  let i = 0
  let list = false
  while (i < args.length && (args[i] as string).startsWith('-')) {
    const flag = args[i] as string
    if (flag === '-l' || flag === '--list') list = true
    if (flag === '-u' || flag === '-g' || flag === '-C' || flag === '-p') i++
    if (flag === '--') {
      i++
      break
    }
    i++
  }
  const command = args.slice(i)
  if (list) {
    const secure = ['debian', 'ubuntu'].includes(context.host.persona.os.id)
      ? '/usr/local/sbin\\:/usr/local/bin\\:/usr/sbin\\:/usr/bin\\:/sbin\\:/bin'
      : '/sbin\\:/bin\\:/usr/sbin\\:/usr/bin'
    return {
      out: `Matching Defaults entries for root on ${context.host.hostname}:\n    env_reset, mail_badpass, secure_path=${secure}, use_pty\n\nUser root may run the following commands on ${context.host.hostname}:\n    (ALL : ALL) ALL\n`,
      err: '',
      status: 0,
    }
  }
  if (command.length === 0) {
    const interactive = args.includes('-i') || args.includes('-s')
    return interactive
      ? { out: '', err: '', status: 0 }
      : {
          out: '',
          err: 'usage: sudo -h | -K | -k | -V\nusage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]\nusage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user]\n            [-u user] [command [arg ...]]\n',
          status: 1,
        }
  }
  return { argv: command }
}
