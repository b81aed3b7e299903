import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const DECNET_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/decnet.mjs')

export type CliResult = { code: number; stdout: string; stderr: string }

/** Runs the real `decnet` CLI against a server, signed in through DECNET_TOKEN; `input` is its stdin. */
export function decnet(
  args: string[],
  env: { url: string; token: string },
  input?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DECNET_BIN, ...args], {
      env: { ...process.env, DECNET_URL: env.url, DECNET_TOKEN: env.token },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    if (input !== undefined) child.stdin?.end(input)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
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
  const child = spawn(process.execPath, [DECNET_BIN, ...args], {
    env: { ...process.env, DECNET_URL: env.url, DECNET_TOKEN: env.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject)
    // 'close', not 'exit': the output pipes are drained by then.
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }))
  })
  return { stdout: () => stdout, stderr: () => stderr, signal: (name) => child.kill(name), exited }
}
