// `decnet init` and `decnet init --uninstall`: the system user, the data dir, the environment file,
// the unit files, and (where systemd runs) enabling and starting them. Each step says what it did.
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { writeSelfSignedPair } from '../tls/self-signed.ts'
import { renderEnvFile, serviceEnvironment } from './env-file.ts'
import { API_UNIT, type ServicePlan, WEB_UNIT } from './service-plan.ts'
import { apiUnitFile, webUnitFile } from './systemd-units.ts'

export type InstallOptions = {
  /** The environment whose DECNET_* settings the services get. */
  environment: NodeJS.ProcessEnv
  /** Generate a self-signed TLS pair for these names (the console then serves HTTPS). */
  selfSigned?: string[]
  /** Enable and start the units when systemd runs this machine (default: when /run/systemd/system exists). */
  systemd?: boolean
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function exists(database: 'passwd' | 'group', name: string): boolean {
  try {
    run('getent', [database, name])
    return true
  } catch {
    return false
  }
}

function idsOf(user: string): { uid: number; gid: number } {
  return { uid: Number(run('id', ['-u', user]).trim()), gid: Number(run('id', ['-g', user]).trim()) }
}

const systemdRuns = () => existsSync('/run/systemd/system')

/**
 * The directories on the way to the checkout that a fresh system user cannot pass (no o+x), e.g. a
 * clone under a 0700 home or `mktemp -d`. The units would then die at start with a confusing
 * "cannot find package" error, so init refuses up front and names them.
 */
export function untraversableForOthers(dir: string): string[] {
  const blocked: string[] = []
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if ((statSync(at).mode & 0o001) === 0) blocked.push(at)
    if (at === path.dirname(at)) return blocked.reverse()
  }
}

function checkCheckoutReadable(plan: ServicePlan): void {
  const blocked = untraversableForOthers(plan.repoRoot)
  if (blocked.length === 0) return
  throw new Error(
    `the service user ${plan.user} could not reach ${plan.repoRoot}: ${blocked.join(', ')} ` +
      `${blocked.length === 1 ? 'is' : 'are'} not traversable by other users. ` +
      'Install from a checkout outside private directories, or allow traversal (chmod o+x) of those directories.',
  )
}

export function install(plan: ServicePlan, options: InstallOptions): string[] {
  checkCheckoutReadable(plan)
  const did: string[] = []
  if (!exists('passwd', plan.user)) {
    run('useradd', [
      '--system',
      '--user-group',
      '--home-dir',
      plan.dataDir,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      plan.user,
    ])
    did.push(`created system user ${plan.user}`)
  }
  if (exists('group', 'docker')) {
    run('usermod', ['--append', '--groups', 'docker', plan.user])
    did.push(`${plan.user} is in the docker group (reaches the Docker socket)`)
  } else {
    did.push('no docker group on this machine: the API will use the local engine unless DOCKER_HOST is set')
  }
  const { uid, gid } = idsOf(plan.user)
  // Only the data dir itself is private: parents made here stay traversable (0755).
  mkdirSync(path.dirname(plan.dataDir), { recursive: true, mode: 0o755 })
  mkdirSync(plan.dataDir, { recursive: true, mode: 0o700 })
  chmodSync(plan.dataDir, 0o700)
  chownSync(plan.dataDir, uid, gid)
  did.push(`data dir ${plan.dataDir} (owned by ${plan.user}, 0700)`)

  const fixed: Record<string, string> = { DECNET_DATA_DIR: plan.dataDir }
  if (options.selfSigned) {
    const pair = writeSelfSignedPair(path.join(plan.dataDir, 'tls'), options.selfSigned)
    for (const file of [path.dirname(pair.keyFile), pair.keyFile, pair.certFile]) chownSync(file, uid, gid)
    fixed.DECNET_TLS_CERT = pair.certFile
    fixed.DECNET_TLS_KEY = pair.keyFile
    did.push(`self-signed TLS certificate ${pair.certFile}, SHA-256 fingerprint ${pair.fingerprint}`)
  }
  mkdirSync(path.dirname(plan.envFile), { recursive: true, mode: 0o755 })
  writeFileSync(plan.envFile, renderEnvFile(serviceEnvironment(options.environment, fixed)), { mode: 0o600 })
  did.push(`environment file ${plan.envFile} (0600, root)`)

  mkdirSync(plan.unitDir, { recursive: true })
  writeFileSync(plan.apiUnit, apiUnitFile(plan), { mode: 0o644 })
  writeFileSync(plan.webUnit, webUnitFile(plan), { mode: 0o644 })
  did.push(`units ${plan.apiUnit} and ${plan.webUnit}`)

  if (options.systemd ?? systemdRuns()) {
    run('systemctl', ['daemon-reload'])
    run('systemctl', ['enable', '--now', API_UNIT, WEB_UNIT])
    did.push(`enabled and started ${API_UNIT} and ${WEB_UNIT}`)
  } else {
    did.push(`systemd is not running here: once it is, run systemctl enable --now ${API_UNIT} ${WEB_UNIT}`)
  }
  return did
}

export function uninstall(plan: ServicePlan, options: { purge: boolean; systemd?: boolean }): string[] {
  const did: string[] = []
  if (options.systemd ?? systemdRuns()) {
    run('systemctl', ['disable', '--now', API_UNIT, WEB_UNIT])
    did.push(`stopped and disabled ${API_UNIT} and ${WEB_UNIT}`)
  }
  for (const file of [plan.apiUnit, plan.webUnit, plan.envFile]) {
    if (!existsSync(file)) continue
    rmSync(file)
    did.push(`removed ${file}`)
  }
  const envDir = path.dirname(plan.envFile)
  if (existsSync(envDir) && readdirSync(envDir).length === 0) rmdirSync(envDir)
  if (options.systemd ?? systemdRuns()) run('systemctl', ['daemon-reload'])
  if (exists('passwd', plan.user)) {
    run('userdel', [plan.user])
    did.push(`removed system user ${plan.user}`)
  }
  if (options.purge) {
    rmSync(plan.dataDir, { recursive: true, force: true })
    did.push(`removed data dir ${plan.dataDir}`)
  } else {
    did.push(`kept data dir ${plan.dataDir} (--purge removes it)`)
  }
  return did
}
