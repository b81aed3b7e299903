import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ADMIN_PASSWORD, type ApiDoor } from './accounts.ts'
import { captureOutput, waitForUrl } from './child-process.ts'
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

/** The real API entry point (`src/main.ts`) as a child process on a fresh data dir and a free port. */
export async function startServerProcess(
  env: NodeJS.ProcessEnv = {},
  existingDataDir?: string,
): Promise<ServerProcess> {
  const dataDir = existingDataDir ?? mkdtempSync(path.join(os.tmpdir(), 'decnet-api-test-'))
  const port = await freePort()
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
  const url = `http://127.0.0.1:${port}`
  const output = captureOutput(child)
  await waitForUrl(`${url}/trpc/health.get`, child, output, { timeoutMs: 30_000, pollMs: 100, name: 'API' })
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
