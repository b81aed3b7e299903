// `decnet init` (issue 25 acceptance): the real installer writes the system user (in the docker
// group), the 0600 environment file and the two units under a temporary root; `systemd-analyze
// verify` (Debian's systemd) accepts the units; their ExecStart commands, run as systemd would
// (test/support/systemd-unit.ts: systemd is not PID 1 here), start the API and the console; a
// SIGKILL of the API is followed by a restart after RestartSec (Restart=on-failure, emulated), a
// SIGTERM is not. `decnet init --uninstall` removes what init made.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEnvFile } from '../src/install/env-file.ts'
import { install, uninstall, untraversableForOthers } from '../src/install/installer.ts'
import { type ServicePlan, servicePlan } from '../src/install/service-plan.ts'
import { LIMIT_NOFILE, RESTART_SEC } from '../src/install/systemd-units.ts'
import { ADMIN_PASSWORD } from './support/accounts.ts'
import { freePort } from './support/ports.ts'
import {
  parseUnitFile,
  restartsOnFailure,
  type SupervisedUnit,
  superviseUnit,
} from './support/systemd-unit.ts'
import { eventually } from './support/wait.ts'

const USER = `dnt${process.pid % 100_000}`

function verify(...units: string[]): { status: number | null; output: string } {
  const result = spawnSync('systemd-analyze', ['verify', ...units], { encoding: 'utf8' })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

async function answers(url: string): Promise<number> {
  try {
    return (await fetch(url, { redirect: 'manual' })).status
  } catch {
    return 0
  }
}

describe('decnet init: units, environment file, user; the units run the stack', () => {
  let root: string
  let plan: ServicePlan
  let did: string[]
  let apiPort: number
  let webPort: number
  const running: SupervisedUnit[] = []
  // A fresh clone may sit under a private directory (CI clones into `mktemp -d`, 0700): the test
  // opens traversal for the run, as an operator would, and closes it again afterwards.
  let opened: { dir: string; mode: number }[] = []

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'decnet-init-'))
    // As / is: the service user must traverse it to reach its data dir.
    chmodSync(root, 0o755)
    plan = servicePlan({ root, user: USER })
    opened = untraversableForOthers(plan.repoRoot).map((dir) => ({ dir, mode: statSync(dir).mode & 0o7777 }))
    for (const { dir, mode } of opened) chmodSync(dir, mode | 0o001)
    apiPort = await freePort()
    webPort = await freePort()
    did = install(plan, {
      systemd: false,
      environment: {
        DECNET_API_PORT: String(apiPort),
        DECNET_WEB_PORT: String(webPort),
        DECNET_ENGINE: 'local',
        DECNET_ADMIN_PASSWORD: ADMIN_PASSWORD,
        DECNET_SECRET_KEY: 'init-test-secret-key-0123456789abcdef',
        DECNET_URL: 'http://cli-only.example',
        UNRELATED: 'not carried',
      },
    })
  })
  afterAll(async () => {
    await Promise.all(running.map((unit) => unit.stop()))
    if (plan) uninstall(plan, { purge: true, systemd: false })
    rmSync(root, { recursive: true, force: true })
    for (const { dir, mode } of opened) chmodSync(dir, mode)
  })

  it('refuses a checkout the service user could not reach, naming the private directory, and writes nothing', () => {
    const hidden = mkdtempSync(path.join(os.tmpdir(), 'decnet-private-'))
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'decnet-init-refused-'))
    try {
      chmodSync(hidden, 0o700)
      mkdirSync(path.join(hidden, 'decnet'), { mode: 0o755 })
      const refused = {
        ...servicePlan({ root: elsewhere, user: `${USER}x` }),
        repoRoot: path.join(hidden, 'decnet'),
      }
      expect(() => install(refused, { systemd: false, environment: {} })).toThrow(
        new RegExp(`${hidden}.*not traversable by other users`),
      )
      expect(readdirSync(elsewhere)).toEqual([])
      expect(spawnSync('id', [`${USER}x`]).status).not.toBe(0)
    } finally {
      rmSync(hidden, { recursive: true, force: true })
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })

  it('creates the system user in the docker group and a 0600 environment file with the configuration', () => {
    expect(execFileSync('id', ['-nG', USER], { encoding: 'utf8' }).split(/\s+/)).toContain('docker')
    expect(statSync(plan.envFile).mode & 0o777).toBe(0o600)
    expect(statSync(plan.dataDir).mode & 0o777).toBe(0o700)
    const env = parseEnvFile(readFileSync(plan.envFile, 'utf8'))
    expect(env).toMatchObject({
      DECNET_DATA_DIR: plan.dataDir,
      DECNET_API_PORT: String(apiPort),
      DECNET_SECRET_KEY: 'init-test-secret-key-0123456789abcdef',
      DECNET_LOG_FORMAT: 'json',
      NODE_ENV: 'production',
    })
    expect(env.DECNET_URL).toBeUndefined()
    expect(env.UNRELATED).toBeUndefined()
    expect(did.join('\n')).toContain(`created system user ${USER}`)
  })

  it('writes units that systemd-analyze verify accepts, with the limits and restart policy', () => {
    const result = verify(plan.apiUnit, plan.webUnit)
    expect(result.output).toBe('')
    expect(result.status).toBe(0)
    for (const file of [plan.apiUnit, plan.webUnit]) {
      const service = parseUnitFile(readFileSync(file, 'utf8')).Service ?? {}
      expect(service).toMatchObject({
        User: USER,
        EnvironmentFile: plan.envFile,
        Restart: 'on-failure',
        RestartSec: String(RESTART_SEC),
        LimitNOFILE: String(LIMIT_NOFILE),
      })
      expect(service.ExecStart?.startsWith(`${process.execPath} `)).toBe(true)
    }
    expect(parseUnitFile(readFileSync(plan.apiUnit, 'utf8')).Service?.SupplementaryGroups).toBe('docker')
    // The verifier is not a rubber stamp: a unit whose ExecStart is not an absolute path fails it.
    const broken = path.join(root, 'broken.service')
    writeFileSync(
      broken,
      readFileSync(plan.apiUnit, 'utf8').replace(/^ExecStart=\S+/m, 'ExecStart=/nonexistent/node'),
    )
    expect(verify(broken).output).toMatch(/\/nonexistent\/node is not executable/)
  })

  it("the units' ExecStart commands start the API and the console as the service user", async () => {
    running.push(superviseUnit(plan.apiUnit), superviseUnit(plan.webUnit))
    const up = (url: string, what: string) =>
      eventually(
        () => answers(url),
        (status) => status === 200,
        what,
        60_000,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${running.map((unit) => unit.output()).join('\n---\n')}`)
      })
    await up(`http://127.0.0.1:${apiPort}/trpc/health.get`, 'the API')
    await up(`http://127.0.0.1:${webPort}/login`, 'the console')
    const [api] = running
    const owner = execFileSync('ps', ['-o', 'user=', '-p', String(api?.child().pid)], {
      encoding: 'utf8',
    }).trim()
    expect(owner).toBe(USER)
    // JSON logs from the env file's DECNET_LOG_FORMAT.
    const first = api?.output().split('\n')[0] ?? ''
    expect(JSON.parse(first)).toMatchObject({ service: 'decnet-api', level: expect.any(String) })
  }, 120_000)

  it('a SIGKILL of the API is followed by a restart after RestartSec; a SIGTERM stop is not', async () => {
    const api = running[0] as SupervisedUnit
    const killedAt = Date.now()
    process.kill(api.child().pid as number, 'SIGKILL')
    await eventually(
      async () => api.starts.length,
      (n) => n === 2,
      'the restart',
      30_000,
    )
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(RESTART_SEC * 1000 - 100)
    await eventually(
      () => answers(`http://127.0.0.1:${apiPort}/trpc/health.get`),
      (s) => s === 200,
      'the restarted API',
      60_000,
    )

    // The same policy says a clean stop stays stopped.
    expect(restartsOnFailure(null, 'SIGTERM')).toBe(false)
    expect(restartsOnFailure(1, null)).toBe(true)
    const exited = new Promise<[number | null, string | null]>((resolve) =>
      api.child().once('exit', (code, signal) => resolve([code, signal])),
    )
    api.child().kill('SIGTERM')
    const [code, signal] = await exited
    expect(restartsOnFailure(code, signal as NodeJS.Signals | null)).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, RESTART_SEC * 1000 + 1000))
    expect(api.starts).toHaveLength(2)
  }, 120_000)

  it('decnet init --uninstall removes the units, the environment file and the user, keeping data unless purged', async () => {
    // As `systemctl disable --now` would first: the user's processes end before userdel.
    await Promise.all(running.map((unit) => unit.stop()))
    const removed = uninstall(plan, { purge: false, systemd: false })
    expect(removed.join('\n')).toContain(`removed system user ${USER}`)
    expect(spawnSync('getent', ['passwd', USER]).status).not.toBe(0)
    for (const file of [plan.apiUnit, plan.webUnit, plan.envFile]) expect(() => statSync(file)).toThrow()
    expect(statSync(plan.dataDir).isDirectory()).toBe(true)
  })
})
