import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseFleetIni } from '@decnet/core'
import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase, type TestDatabase } from '@decnet/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportFleet } from '../src/fleet/export.ts'
import { defaultFleetNetwork } from '../src/settings/network.ts'
import { readyAdmin } from './support/accounts.ts'
import { decnet } from './support/cli.ts'
import { type Caller, inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')

// Every INI key a decky can carry, values with the characters `ini` would escape or quote, a secret,
// a multi-line textarea, amount expansion and a group persona.
const FLEET_INI = `[general]
net = 10.77.0.0/24
gw = 10.77.0.1
mutate_interval = 3h

[web]
amount = 2
services = ssh, http
distro = ubuntu22

[web.http]
server_header = Apache/2.4 (Unix); PHP=8 #1
custom_body = b64:${b64('<h1>hi</h1>\n<p>"quoted" [x]</p>\n')}
http_versions = http/1.1, http/2

[web-01.ssh]
password = pa;ss#w=rd
hostname = "deploy"

[dc-01]
services = ldap, smb
nmap_os = windows_server
ip = 10.77.0.50
mutate_interval = 45m
host = local

[dc-01.ldap]
base_dn = dc=corp,dc=local

[lab]
archetype = linux-server
`

/**
 * What a decky is, as far as an INI can say it: host names and MACs are the persona's, drawn anew on
 * every deploy (a MAC that followed the decky name was the same in every DECNET install).
 */
function identity(decky: Awaited<ReturnType<Caller['fleet']['list']>>[number]) {
  return {
    name: decky.name,
    ip: decky.ip,
    hostName: decky.hostName,
    services: decky.services,
    serviceConfig: decky.serviceConfig,
    archetype: decky.archetype,
    distro: decky.distro,
    osFamily: decky.osFamily,
    mutateIntervalMinutes: decky.mutateIntervalMinutes,
  }
}

// The runner is disabled: what is committed is what is exported.
describe('fleet.export', () => {
  const source = inProcessApiOfSuite({ env: NO_WORKERS, viewer: 'viewer1' })
  // The target starts on another default network: the export's [general] must move it.
  const target = inProcessApiOfSuite({
    env: { ...NO_WORKERS, DECNET_SUBNET: '172.30.9.0/24', DECNET_GATEWAY: '172.30.9.1' },
  })

  it('exports an empty fleet as nothing', async () => {
    expect(await target.admin.fleet.export()).toEqual({ ini: '', deckies: 0, omittedSecrets: [] })
  })

  it('deploying the export into an empty fleet reproduces the same deckies, secrets included', async () => {
    await source.admin.fleet.deploy({ ini: FLEET_INI })
    const exported = await source.admin.fleet.export()
    expect(exported.deckies).toBe(4)
    expect(exported.omittedSecrets).toEqual([])
    expect(exported.ini).toContain('\npassword = pa;ss#w=rd\n')
    expect(exported.ini).toContain('\nbase_dn = dc=corp,dc=local\n')
    expect(exported.ini).toContain('[general]\nnet = 10.77.0.0/24\ngw = 10.77.0.1\n')
    expect(exported.ini).toContain('\nmutate_interval = 3h\n')
    expect(exported.ini).toContain('\nmutate_interval = 45m\n')

    const deployed = await target.admin.fleet.deploy({ ini: exported.ini })
    expect(deployed.lifecycleIds).toHaveLength(4)
    const before = (await source.admin.fleet.list()).map(identity)
    const after = (await target.admin.fleet.list()).map(identity)
    expect(before.map((decky) => decky.name)).toEqual(['dc-01', 'lab', 'web-01', 'web-02'])
    expect(after).toEqual(before)
    // fleet.list masks secrets; the target's own export shows they arrived unchanged.
    expect((await target.admin.fleet.export()).ini).toBe(exported.ini)
    const web01 = parseFleetIni(exported.ini).deckies.find((decky) => decky.name === 'web-01')
    expect(web01?.serviceConfig).toEqual({
      http: {
        server_header: 'Apache/2.4 (Unix); PHP=8 #1',
        custom_body: '<h1>hi</h1>\n<p>"quoted" [x]</p>\n',
        http_versions: ['http/1.1', 'http/2'],
      },
      ssh: { password: 'pa;ss#w=rd', hostname: '"deploy"' },
    })
  })

  it('leaves secrets out for viewers, and for admins who ask, saying which', async () => {
    const forViewer = await source.viewer.fleet.export()
    const omitted = [{ decky: 'web-01', service: 'ssh', setting: 'password' }]
    expect(forViewer.omittedSecrets).toEqual(omitted)
    expect(forViewer.ini).not.toContain('pa;ss#w=rd')
    expect(forViewer.ini).toContain('\nhostname = "deploy"\n')
    expect(parseFleetIni(forViewer.ini).deckies).toHaveLength(4)
    const shared = await source.admin.fleet.export({ omitSecrets: true })
    expect(shared).toEqual(forViewer)
  })
})

// The CLI is a client of the wire: a server process.
describe('decnet export fleet', () => {
  let api: ServerProcess
  let cli: { url: string; token: string }
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'decnet-export-test-'))
  beforeAll(async () => {
    api = await startServerProcess(NO_WORKERS)
    cli = { url: api.url, token: (await readyAdmin(api)).token }
  }, 60_000)
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true })
    await api?.stop()
  })

  it('fails on an empty fleet, saying so', async () => {
    const empty = await decnet(['export', 'fleet'], cli)
    expect(empty).toMatchObject({ code: 1, stdout: '' })
    expect(empty.stderr).toContain('the fleet is empty')
  })

  it('prints the INI, or writes it to a 0600 file with --out, and names the secrets it leaves out', async () => {
    await api.as(cli.token).fleet.deploy.mutate({ ini: FLEET_INI })
    const { ini } = await api.as(cli.token).fleet.export.query()
    const printed = await decnet(['export', 'fleet'], cli)
    expect(printed).toMatchObject({ code: 0, stdout: ini, stderr: '' })
    expect(parseFleetIni(printed.stdout).deckies).toHaveLength(4)

    const file = path.join(scratch, 'fleet.ini')
    const written = await decnet(['export', 'fleet', '--out', file], cli)
    expect(written.code).toBe(0)
    expect(written.stdout).toBe(`exported 4 deckies to ${file}\n`)
    expect(readFileSync(file, 'utf8')).toBe(ini)
    expect(statSync(file).mode & 0o777).toBe(0o600)

    const omitting = await decnet(['export', 'fleet', '--omit-secrets'], cli)
    expect(omitting.code).toBe(0)
    expect(omitting.stdout).not.toContain('pa;ss#w=rd')
    expect(omitting.stderr).toContain('1 secret setting(s) left out')
    expect(omitting.stderr).toContain('web-01.ssh.password')
  })
})

describe('exportFleet: which deckies, which network', () => {
  let provider: TestDatabase
  let db: DecnetDatabase
  const network = defaultFleetNetwork({ DECNET_SUBNET: '10.5.0.0/24', DECNET_GATEWAY: '10.5.0.1' })
  const decky = (name: string, ip: string, hostId: string) => ({
    name,
    hostId,
    ip,
    mac: '02:00:00:00:00:09',
    hostname: name,
    distro: 'debian',
    services: ['ssh'],
    serviceConfig: { ssh: { password: 'hunter2', user: 'ops' } },
    osFamily: 'linux',
  })
  beforeAll(async () => {
    provider = sqliteTestDatabase()
    ;({ db } = await provider.open())
  })
  afterAll(() => provider.cleanup())

  it('writes [general] (the local decky network) while every decky runs locally', async () => {
    await db.fleet.commitDeployPlan({ create: [decky('here', '10.5.0.9', 'local')] })
    const { ini } = await exportFleet({ db, defaultNetwork: network }, { includeSecrets: true })
    expect(ini).toBe(
      '[general]\nnet = 10.5.0.0/24\ngw = 10.5.0.1\ndriver = bridge\n\n' +
        '[here]\nip = 10.5.0.9\nservices = ssh\ndistro = debian\nnmap_os = linux\nhost = local\n\n' +
        '[here.ssh]\npassword = hunter2\nuser = ops\n',
    )
  })

  it('names enrolled hosts, drops [general] for them, and skips deckies that are leaving', async () => {
    const edge = await db.hosts.create({
      name: 'edge',
      dockerUrl: 'tcp://10.7.0.5:2376',
      tls: null,
      network: { driver: 'bridge', subnet: '10.7.0.0/24', gateway: '10.7.0.1' },
    })
    await db.fleet.commitDeployPlan({
      create: [decky('there', '10.7.0.10', edge.id), decky('leaving', '10.7.0.11', edge.id)],
    })
    // Torn down while its host did not answer: pending_removal, no longer part of the fleet.
    await db.hosts.setStatus(edge.id, 'unreachable')
    await db.fleet.commitDeployPlan({ remove: ['leaving'] })
    expect((await db.fleet.get('leaving'))?.state).toBe('pending_removal')

    const result = await exportFleet({ db, defaultNetwork: network }, { includeSecrets: false })
    expect(result.deckies).toBe(2)
    const parsed = parseFleetIni(result.ini)
    expect(parsed.general).toEqual({})
    expect(parsed.deckies.map((d) => [d.name, d.ip, d.host])).toEqual([
      ['here', '10.5.0.9', 'local'],
      ['there', '10.7.0.10', 'edge'],
    ])
    expect(parsed.deckies.map((d) => d.serviceConfig)).toEqual([
      { ssh: { user: 'ops' } },
      { ssh: { user: 'ops' } },
    ])
    expect(result.omittedSecrets).toEqual([
      { decky: 'here', service: 'ssh', setting: 'password' },
      { decky: 'there', service: 'ssh', setting: 'password' },
    ])
  })
})
