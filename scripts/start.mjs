// `npm start`: install what is missing, build, then run the API and the web console together.
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
}
const children = []

function startChild(name, command, args, cwd) {
  const child = spawn(command, args, {
    cwd: path.join(ROOT, cwd),
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping`)
      stop(code ?? 1)
    }
  })
  children.push(child)
  return child
}

let stopping = false
function stop(exitCode = 0) {
  if (stopping) return
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  const deadline = setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    process.exit(exitCode)
  }, 5_000)
  Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
  ).then(() => {
    clearTimeout(deadline)
    process.exit(exitCode)
  })
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

startChild('api', process.execPath, ['--import', 'tsx', 'src/main.ts'], 'apps/api')
// The console's own server (not `next start`): it alone sees the browser's real address.
startChild('web', process.execPath, ['server.mjs'], 'apps/web')

try {
  await Promise.all([waitForPort(apiPort), waitForPort(webPort, webHost)])
} catch (error) {
  fail(error.message)
}
log(`DECNET console: http://${webHost === '0.0.0.0' ? '127.0.0.1' : webHost}:${webPort}`)
log(`API: http://127.0.0.1:${apiPort}/trpc  ·  data: ${dataDir}  ·  Ctrl-C stops both`)
