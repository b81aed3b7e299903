import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const DECNET_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/decnet.mjs')

export type CliResult = { code: number; stdout: string; stderr: string }

/** The real `decnet` CLI with `env` added to this process's environment; `input` is its stdin. */
function spawnDecnet(args: string[], env: NodeJS.ProcessEnv, input?: string): ChildProcess {
  const child = spawn(process.execPath, [DECNET_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  })
  if (input !== undefined) child.stdin?.end(input)
  return child
}

/** stdout and stderr of a child, each kept apart and read when asked. */
function collectOutput(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return { stdout: () => stdout, stderr: () => stderr }
}

function runDecnet(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnDecnet(args, env, input)
    const output = collectOutput(child)
    child.once('error', reject)
    child.once('exit', (code) =>
      resolve({ code: code ?? 1, stdout: output.stdout(), stderr: output.stderr() }),
    )
  })
}

/** Runs the real `decnet` CLI against a server, signed in through DECNET_TOKEN; `input` is its stdin. */
export function decnet(
  args: string[],
  env: { url: string; token: string },
  input?: string,
): Promise<CliResult> {
  return runDecnet(args, { DECNET_URL: env.url, DECNET_TOKEN: env.token }, input)
}

/**
 * Runs the real `decnet` CLI on an installation's files (no API URL: backup, restore, upgrade work on
 * the data directory), asynchronously, so that whatever else the test runs keeps running meanwhile.
 */
export function decnetLocal(args: string[], dataDir: string): Promise<CliResult> {
  return runDecnet(args, { DECNET_DATA_DIR: dataDir, DATABASE_URL: '' })
}

/**
 * `decnet --json <args>` on an installation's files (as decnetLocal) that must succeed: its JSON report.
 * Throws with what it printed when it exited non-zero or wrote to stderr.
 */
export async function decnetLocalJson<Report>(args: string[], dataDir: string): Promise<Report> {
  const result = await decnetLocal(['--json', ...args], dataDir)
  if (result.code !== 0 || result.stderr !== '')
    throw new Error(`decnet ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
  return JSON.parse(result.stdout) as Report
}

export type RunningCli = {
  /** Everything printed so far. */
  stdout: () => string
  stderr: () => string
  /** Sends a signal (SIGINT is Ctrl-C). */
  signal: (signal: NodeJS.Signals) => void
  exited: Promise<CliResult>
}

/** Starts a long-running `decnet` command (e.g. `logs --follow`) and returns while it runs. */
export function startDecnet(args: string[], env: { url: string; token: string }): RunningCli {
  const child = spawnDecnet(args, { DECNET_URL: env.url, DECNET_TOKEN: env.token })
  const { stdout, stderr } = collectOutput(child)
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject)
    // 'close', not 'exit': the output pipes are drained by then.
    child.once('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout: stdout(), stderr: stderr() }),
    )
  })
  return { stdout, stderr, signal: (name) => child.kill(name), exited }
}
