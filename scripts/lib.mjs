// Shared plumbing for the root scripts (start, test, bench): making sure the toolchain is present on a
// fresh machine, then running workspace commands. Only the npm registry and Debian's apt are used.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const PNPM_VERSION = '10.34.9'

/** Quiet, offline-friendly defaults for every tool we call. */
export const TOOL_ENV = {
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  npm_config_nodedir: process.env.npm_config_nodedir || '/usr',
}

const scriptStarted = Date.now()

/** A progress line, stamped with the minutes since the script started (CI time is read from these). */
export function log(message) {
  const minutes = ((Date.now() - scriptStarted) / 60_000).toFixed(1)
  process.stdout.write(`[decnet +${minutes} min] ${message}\n`)
}

export function fail(message) {
  process.stderr.write(`[decnet] error: ${message}\n`)
  process.exit(1)
}

/** Runs a command in the foreground, inheriting stdio; exits the script when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...TOOL_ENV, ...options.env },
    ...options,
  })
  if (result.error) fail(`${command} could not be started: ${result.error.message}`)
  if (result.status !== 0 && !options.allowFailure)
    fail(`${command} ${args.join(' ')} exited with ${result.status}`)
  return result.status ?? 1
}

function output(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

/** pnpm pinned through npm (not corepack, which cannot verify signatures offline). */
export function ensurePnpm() {
  if (output('pnpm', ['--version']) === PNPM_VERSION) return
  log(`installing pnpm ${PNPM_VERSION} through npm`)
  run('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`])
  if (output('pnpm', ['--version']) !== PNPM_VERSION)
    fail(`pnpm ${PNPM_VERSION} is not on PATH after installing it`)
}

export function installDependencies() {
  log('installing dependencies (pnpm install --frozen-lockfile)')
  run('pnpm', ['install', '--frozen-lockfile', '--reporter=append-only'])
}

/** Debian packages, installed when missing (as root); otherwise a clear error naming them. */
export function ensureDebianPackages(packages) {
  const missing = packages.filter((name) => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a JS template
    const status = output('dpkg-query', ['-W', '-f=${Status}', name])
    return !status?.includes('install ok installed')
  })
  if (missing.length === 0) return
  if (!isRoot())
    fail(
      `missing Debian packages: ${missing.join(', ')} (install them with: sudo apt-get install -y ${missing.join(' ')})`,
    )
  log(`installing Debian packages: ${missing.join(', ')}`)
  run('apt-get', ['update', '-qq'])
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  })
}

export function dockerReachable() {
  return (
    spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 10_000 })
      .status === 0
  )
}

/** Makes sure a Docker daemon answers, starting Debian's dockerd when none runs and we are root. */
export async function ensureDockerDaemon() {
  if (dockerReachable()) return
  if (process.env.DOCKER_HOST) fail(`DOCKER_HOST=${process.env.DOCKER_HOST} does not answer`)
  if (!isRoot() || !existsSync('/usr/sbin/dockerd')) {
    fail('no Docker daemon is reachable and dockerd cannot be started here (install docker.io and start it)')
  }
  log('starting dockerd')
  const daemon = spawn('/usr/sbin/dockerd', [], { detached: true, stdio: 'ignore' })
  daemon.unref()
  for (let attempt = 0; attempt < 60; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    if (dockerReachable()) return
  }
  fail('dockerd was started but did not answer within 30 s')
}

/** Resolves once something accepts TCP connections on host:port, or rejects after timeoutMs. */
export async function waitForPort(port, host = '127.0.0.1', timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = net.connect({ port, host })
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`)
}
