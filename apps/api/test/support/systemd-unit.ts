// Running a generated unit file the way systemd would, where systemd is not PID 1 (CI, containers):
// its ExecStart argv in its WorkingDirectory with its EnvironmentFile, as its User (setpriv), and its
// Restart= policy emulated by the small supervisor below. What is emulated: Restart=on-failure and
// RestartSec= (systemd.service(5): restart after an unclean exit code or an unclean signal; SIGHUP,
// SIGINT, SIGTERM and SIGPIPE are clean). Not emulated: the other sandboxing directives.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { parseEnvFile } from '../../src/install/env-file.ts'

export type UnitFile = Record<string, Record<string, string>>

export function parseUnitFile(text: string): UnitFile {
  const unit: UnitFile = {}
  let section = ''
  for (const line of text.split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line.trim())
    if (header?.[1]) {
      section = header[1]
      unit[section] ??= {}
    } else if (section && /^[A-Za-z]+=/.test(line)) {
      const at = line.indexOf('=')
      ;(unit[section] as Record<string, string>)[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return unit
}

const CLEAN_SIGNALS = new Set<NodeJS.Signals>(['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGPIPE'])

/** Restart=on-failure: an exit code other than 0, or death by a signal systemd does not call clean. */
export function restartsOnFailure(code: number | null, signal: NodeJS.Signals | null): boolean {
  if (signal) return !CLEAN_SIGNALS.has(signal)
  return code !== 0
}

export type SupervisedUnit = {
  child(): ChildProcess
  /** Each start's pid, the first included. */
  starts: number[]
  output(): string
  /** Stops it as `systemctl stop` does (SIGTERM, no restart) and waits for the exit. */
  stop(): Promise<void>
}

export function superviseUnit(unitPath: string): SupervisedUnit {
  const service = parseUnitFile(readFileSync(unitPath, 'utf8')).Service ?? {}
  const [command, ...args] = (service.ExecStart ?? '').split(' ')
  if (!command) throw new Error(`${unitPath}: no ExecStart`)
  if (service.Restart !== 'on-failure') throw new Error(`${unitPath}: only Restart=on-failure is emulated`)
  const restartMs = Number(service.RestartSec ?? '0') * 1000
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    ...parseEnvFile(readFileSync(service.EnvironmentFile ?? '', 'utf8')),
  }
  // User=/Group=/SupplementaryGroups= through setpriv, as systemd drops privileges.
  const user = service.User ?? 'root'
  const argv = ['--reuid', user, '--regid', user, '--init-groups', '--', command, ...args]
  let log = ''
  let stopping = false
  const starts: number[] = []
  let current: ChildProcess
  const start = () => {
    current = spawn('setpriv', argv, {
      cwd: service.WorkingDirectory,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    starts.push(current.pid ?? -1)
    current.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString()
    })
    current.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString()
    })
    current.once('exit', (code, signal) => {
      if (!stopping && restartsOnFailure(code, signal)) setTimeout(start, restartMs)
    })
  }
  start()
  return {
    child: () => current,
    starts,
    output: () => log,
    async stop() {
      stopping = true
      if (current.exitCode !== null || current.signalCode !== null) return
      const exited = new Promise((resolve) => current.once('exit', resolve))
      current.kill('SIGTERM')
      await exited
    },
  }
}
