import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ADMIN_PASSWORD, type ApiDoor } from './accounts.ts'
import { type Client, httpDoor } from './clients.ts'
import { freePort } from './ports.ts'

const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** The API as its own process, for what only the wire shows (HTTP, SSE, cookies, proxies, restarts). */
export type ServerProcess = ApiDoor<Client> & {
  url: string
  pid: number
  dataDir: string
  output: () => string
  kill(signal?: NodeJS.Signals): Promise<void>
  stop(): Promise<void>
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}:\n${output()}`)
    try {
      if ((await fetch(`${url}/trpc/health.get`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`API did not answer within 30 s:\n${output()}`)
}

/** The real API entry point (`src/main.ts`) as a child process on a fresh data dir and a free port. */
export async function startServerProcess(
  env: NodeJS.ProcessEnv = {},
  existingDataDir?: string,
): Promise<ServerProcess> {
  const dataDir = existingDataDir ?? mkdtempSync(path.join(os.tmpdir(), 'decnet-api-test-'))
  const port = await freePort()
  let log = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: API_DIR,
    env: {
      ...process.env,
      DECNET_API_PORT: String(port),
      DECNET_DATA_DIR: dataDir,
      DATABASE_URL: '',
      DECNET_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DECNET_ENGINE: 'local',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  const url = `http://127.0.0.1:${port}`
  const output = () => log
  await waitForHealth(url, child, output)
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(signal)
    await exited
  }
  return {
    ...httpDoor(url),
    url,
    pid: child.pid!,
    dataDir,
    output,
    kill,
    async stop() {
      await kill('SIGTERM')
      if (!existingDataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
