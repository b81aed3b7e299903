// `npm start`: install what is missing, build, then run the API and the web console together.
// A crashed API is restarted (bounded, with backoff) while the console stays up and says so.
// Ctrl-C (SIGINT) or SIGTERM stops both cleanly.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import {
  dockerReachable,
  ensurePnpm,
  fail,
  installDependencies,
  log,
  ROOT,
  run,
  TOOL_ENV,
  waitForPort,
} from './lib.mjs'
import { supervise } from './supervise.mjs'

const apiPort = Number(process.env.DECNET_API_PORT || 4000)
const webPort = Number(process.env.DECNET_WEB_PORT || 3000)
const webHost = process.env.DECNET_WEB_HOST || '127.0.0.1'
const dataDir = path.resolve(process.env.DECNET_DATA_DIR || path.join(ROOT, 'data'))

// The e2e fixtures start the stack exactly like this, after `npm test` already installed and built.
if (process.env.DECNET_SKIP_BUILD !== '1') {
  ensurePnpm()
  installDependencies()
  log('building (turbo caches unchanged packages)')
  run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'])
  // Deckies run the decoy image built from this repository (never pulled); a no-op when unchanged.
  if (process.env.DECNET_ENGINE !== 'local' && dockerReachable()) {
    log('building the decoy image (cached when unchanged)')
    run('pnpm', ['--filter', '@decnet/decoys', 'run', 'build:image'])
  }
}
mkdirSync(dataDir, { recursive: true })

const env = {
  ...process.env,
  ...TOOL_ENV,
  DECNET_API_PORT: String(apiPort),
  DECNET_WEB_PORT: String(webPort),
  DECNET_WEB_HOST: webHost,
  DECNET_DATA_DIR: dataDir,
  NODE_ENV: 'production',
  // A self-signed API certificate is trusted by the console's proxy (and only matters with DECNET_API_TLS).
  ...(process.env.DECNET_TLS_CERT && !process.env.NODE_EXTRA_CA_CERTS
    ? { NODE_EXTRA_CA_CERTS: process.env.DECNET_TLS_CERT }
    : {}),
}
const webScheme = process.env.DECNET_TLS_CERT ? 'https' : 'http'
const apiScheme = /^(1|true|yes|on)$/i.test(process.env.DECNET_API_TLS ?? '') ? 'https' : 'http'

function spawnChild(command, args, cwd) {
  return spawn(command, args, { cwd: path.join(ROOT, cwd), env, stdio: ['ignore', 'inherit', 'inherit'] })
}

/** Bounds of the API's restarts (defaults: 5 within 10 minutes, backoff 1 s doubling up to 30 s). */
const restartLimits = {
  maxRestarts: Number(process.env.DECNET_API_MAX_RESTARTS || 5),
  windowMs: Number(process.env.DECNET_API_RESTART_WINDOW_MS || 10 * 60_000),
  baseDelayMs: Number(process.env.DECNET_API_RESTART_DELAY_MS || 1_000),
}

const api = supervise({
  name: 'api',
  start: () => spawnChild(process.execPath, ['--import', 'tsx', 'src/main.ts'], 'apps/api'),
  log,
  giveUp: (code) => stop(code),
  ...restartLimits,
})
// The console's own server (not `next start`): it alone sees the browser's real address.
const web = spawnChild(process.execPath, ['server.mjs'], 'apps/web')
web.on('exit', (code, signal) => {
  if (!stopping) {
    log(`web exited (${signal ?? code}); stopping`)
    stop(code ?? 1)
  }
})
const children = () => [api.child, web]

let stopping = false
function stop(exitCode = 0) {
  if (stopping) return
  stopping = true
  api.stop()
  const running = children().filter((child) => child.exitCode === null && child.signalCode === null)
  for (const child of running) child.kill('SIGTERM')
  const deadline = setTimeout(() => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL')
    process.exit(exitCode)
  }, 5_000)
  Promise.all(running.map((child) => new Promise((r) => child.once('exit', r)))).then(() => {
    clearTimeout(deadline)
    process.exit(exitCode)
  })
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

try {
  await Promise.all([waitForPort(apiPort), waitForPort(webPort, webHost)])
} catch (error) {
  fail(error.message)
}
log(`DECNET console: ${webScheme}://${webHost === '0.0.0.0' ? '127.0.0.1' : webHost}:${webPort}`)
log(`API: ${apiScheme}://127.0.0.1:${apiPort}/trpc  ·  data: ${dataDir}  ·  Ctrl-C stops both`)
