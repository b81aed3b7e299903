import { type CommandContext, type CommandIo, fail, parseFlags } from './command-context.ts'
import { clockOf, localTime } from './local-time.ts'
import { listenersOf } from './network-commands.ts'
import { loadAt, uptimeAt } from './persona-facts.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * Process tools beyond `ps`: `top` (one batch frame: what `top -bn1` prints and what an intruder's
 * `top` shows before they quit it), `pgrep`, `pkill`, `killall`. The processes are the persona's
 * daemons; killing is refused for other users' processes and reports "no process found" for names
 * that do not run here (the miner an intruder tries to kill off first).
 */
export function processCommands(context: CommandContext): Record<string, ShellCommand> {
  const processes = () => {
    const base = context.busybox
      ? ['init', 'syslogd', 'crond']
      : ['systemd', 'systemd-journal', 'systemd-udevd', 'cron']
    return [
      ...base.map((name, i) => ({ pid: i === 0 ? 1 : 200 + i * 137, user: 'root', name })),
      ...listenersOf(context).map((l) => ({ pid: l.pid, user: 'root', name: l.process })),
      {
        pid: context.host.random.fork('pids').fork('mine').int(2_000, 60_000),
        user: context.user,
        name: context.busybox ? 'ash' : 'bash',
      },
    ]
  }
  const matching = (pattern: string) => {
    let re: RegExp
    try {
      re = new RegExp(pattern)
    } catch {
      return []
    }
    return processes().filter((p) => re.test(p.name))
  }
  const pgrep: ShellCommand = (args, io) => {
    const { flags, operands } = parseFlags(args)
    const found = matching(operands[0] ?? '^$')
    if (found.length === 0) {
      io.status(1)
      return ''
    }
    return `${found.map((p) => (flags.has('l') ? `${p.pid} ${p.name}` : String(p.pid))).join('\n')}\n`
  }
  const kill = (tool: string, io: CommandIo, names: string[]) => {
    let status = 0
    for (const name of names) {
      const found = tool === 'killall' ? processes().filter((p) => p.name === name) : matching(name)
      if (found.length === 0) {
        if (tool === 'killall') io.err(`${name}: no process found\n`)
        status = 1
      } else if (context.uid !== 0 && found.some((p) => p.user !== context.user)) {
        if (tool === 'killall') io.err(`${name}(${found[0]?.pid}): Operation not permitted\n`)
        else io.err(`${tool}: killing pid ${found[0]?.pid} failed: Operation not permitted\n`)
        status = 1
      }
    }
    io.status(status)
    return ''
  }
  const operands = (args: string[]) =>
    args.filter((a, i) => !a.startsWith('-') && !['-u', '-s', '-U'].includes(args[i - 1] ?? ''))
  return {
    top: (args) => top(context, args, processes()),
    pgrep,
    pkill: (args, io) =>
      operands(args).length
        ? kill('pkill', io, operands(args))
        : fail(io, "pkill: no matching criteria specified\nTry `pkill --help' for more information.\n", 2),
    killall: (args, io) =>
      operands(args).length
        ? kill('killall', io, operands(args))
        : fail(io, 'Usage: killall [OPTION]... [--] NAME...\n', 1),
  }
}

function top(
  context: CommandContext,
  _args: string[],
  processes: { pid: number; user: string; name: string }[],
): string {
  const now = context.now()
  const memory = context.proc.memory(now)
  const load = loadAt(context.host.persona, now).map((l) => l.toFixed(2))
  const clock = clockOf(localTime(now, context.host.persona.timezone))
  const up = Math.floor(uptimeAt(context.host.persona, now) / 60)
  const days = Math.floor(up / 1_440)
  const hm = `${String(Math.floor((up % 1_440) / 60)).padStart(2)}:${String(up % 60).padStart(2, '0')}`
  if (context.busybox) {
    const used = memory.totalKb - memory.freeKb
    return `Mem: ${used}K used, ${memory.freeKb}K free, ${memory.shmemKb}K shrd, ${memory.buffersKb}K buff, ${memory.cachedKb}K cached\nCPU:   0% usr   0% sys   0% nic  99% idle   0% io   0% irq   0% sirq\nLoad average: ${load.join(' ')} 1/${processes.length + 60} ${processes[processes.length - 1]?.pid ?? 1}\n  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND\n${processes
      .map(
        (p) =>
          `${String(p.pid).padStart(5)} ${String(p.pid === 1 ? 0 : 1).padStart(5)} ${p.user.padEnd(8)} S     ${String(1_000 + ((p.pid * 37) % 9_000)).padStart(5)}   0%   0   0% ${p.name}`,
      )
      .join('\n')}\n`
  }
  const total = (kb: number) => (kb / 1024).toFixed(1)
  const buffCache = memory.buffersKb + memory.cachedKb + memory.sReclaimableKb
  const used = memory.totalKb - memory.freeKb - buffCache
  const rows = processes.map(
    (p) =>
      `${String(p.pid).padStart(7)} ${p.user.padEnd(9)} 20   0 ${String(10_000 + ((p.pid * 97) % 90_000)).padStart(7)} ${String(1_000 + ((p.pid * 31) % 9_000)).padStart(6)} ${String(800 + ((p.pid * 13) % 4_000)).padStart(6)} S   0.0   0.${p.pid % 7}   0:0${p.pid % 10}.${String(p.pid % 97).padStart(2, '0')} ${p.name}`,
  )
  return `top - ${clock} up ${days ? `${days} days, ` : ''}${hm},  1 user,  load average: ${load.join(', ')}\nTasks: ${processes.length + 120} total,   1 running, ${processes.length + 119} sleeping,   0 stopped,   0 zombie\n%Cpu(s):  0.4 us,  0.2 sy,  0.0 ni, 99.3 id,  0.0 wa,  0.0 hi,  0.1 si,  0.0 st\nMiB Mem : ${total(memory.totalKb).padStart(8)} total, ${total(memory.freeKb).padStart(8)} free, ${total(used).padStart(8)} used, ${total(buffCache).padStart(8)} buff/cache\nMiB Swap: ${total(memory.swapTotalKb).padStart(8)} total, ${total(memory.swapFreeKb).padStart(8)} free, ${total(memory.swapTotalKb - memory.swapFreeKb).padStart(8)} used. ${total(memory.availableKb).padStart(8)} avail Mem\n\n    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND\n${rows.join('\n')}\n`
}
