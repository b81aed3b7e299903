import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockerEngine } from '../src/index.ts'
import { readBanner } from './support/banner.ts'
import { deckySpec, dockerTestbed, execNode, removeInstance, tcpService } from './support/docker.ts'
import { ensureTestImage } from './support/test-image.ts'

const { docker, instance, network } = dockerTestbed()
let engine: DockerEngine

const alpha = deckySpec(
  'alpha',
  `${network.prefix}.10`,
  [
    tcpService('ssh', 22),
    tcpService('http', 80),
    { slug: 'dns', ports: [{ port: 53, protocol: 'udp' }], config: {} },
  ],
  'windows',
)
const beta = deckySpec('beta', `${network.prefix}.11`, [tcpService('ssh', 22), tcpService('ftp', 21)])

async function containersOf(decky: string) {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`decnet.instance=${instance}`, `decnet.decky=${decky}`] },
  })
  const details = await Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()))
  return new Map(details.map((d) => [d.Name.slice(1), { id: d.Id, startedAt: d.State.StartedAt, info: d }]))
}

beforeAll(async () => {
  const image = await ensureTestImage(docker)
  engine = new DockerEngine({
    image,
    instance,
    networkName: `${instance}_lan`,
    readinessTimeoutMs: 10_000,
  })
}, 120_000)

afterAll(async () => {
  await removeInstance(docker, instance)
})

describe('DockerEngine on a bridge network', () => {
  it('deploys a second decky without touching the first, both answer, MAC and sysctls as specified', async () => {
    const first = await engine.deploy(alpha, network)
    expect(first.created.sort()).toEqual(
      [
        `${instance}-alpha`,
        `${instance}-alpha.dns`,
        `${instance}-alpha.http`,
        `${instance}-alpha.ssh`,
      ].sort(),
    )
    const alphaBefore = await containersOf('alpha')

    await engine.deploy(beta, network)
    const alphaAfter = await containersOf('alpha')
    for (const [name, before] of alphaBefore) {
      expect(alphaAfter.get(name)?.id).toBe(before.id)
      expect([name, alphaAfter.get(name)?.info.RestartCount, alphaAfter.get(name)?.startedAt]).toEqual([
        name,
        0,
        before.startedAt,
      ])
    }

    expect(await readBanner(alpha.ip, 22)).toBe('ssh alpha alpha-host seed-alpha\n')
    expect(await readBanner(alpha.ip, 80)).toMatch(/^http alpha /)
    expect(await readBanner(beta.ip, 21)).toBe('ftp beta beta-host seed-beta\n')

    const base = alphaAfter.get(`${instance}-alpha`)?.info
    expect(base?.NetworkSettings.Networks[`${instance}_lan`]?.MacAddress).toBe(alpha.mac)
    expect(base?.NetworkSettings.Networks[`${instance}_lan`]?.IPAddress).toBe(alpha.ip)
    expect(base?.Config.Hostname).toBe('alpha-host')
    expect(base?.HostConfig.CapAdd).toEqual(['NET_ADMIN'])
    const sysctls = await execNode(
      docker,
      base?.Id ?? '',
      `for (const k of ${JSON.stringify(Object.keys(alpha.sysctls))}) console.log(k + '=' + require('fs').readFileSync('/proc/sys/' + k.replaceAll('.', '/'), 'utf8').trim())`,
    )
    expect(sysctls.trim().split('\n')).toEqual(Object.entries(alpha.sysctls).map(([k, v]) => `${k}=${v}`))

    const service = alphaAfter.get(`${instance}-alpha.ssh`)?.info
    expect(service?.HostConfig.NetworkMode).toBe(`container:${base?.Id}`)
    expect(service?.HostConfig.RestartPolicy?.Name).toBe('unless-stopped')
    expect(service?.HostConfig.LogConfig).toMatchObject({ Type: 'json-file', Config: { 'max-size': '10m' } })
    expect(service?.Config.Labels).toMatchObject({
      'decnet.managed': 'true',
      'decnet.decky': 'alpha',
      'decnet.service': 'ssh',
      'decnet.instance': instance,
    })
    expect(service?.Config.Env).toContain('DECNET_SERVICE_CONFIG={}')
  })

  it('redeploying an unchanged decky keeps every container', async () => {
    const before = await containersOf('alpha')
    const report = await engine.deploy(alpha, network)
    expect(report.created).toEqual([])
    expect(report.removed).toEqual([])
    expect(report.kept).toHaveLength(4)
    const after = await containersOf('alpha')
    expect([...after].map(([name, c]) => [name, c.id, c.startedAt])).toEqual(
      [...before].map(([name, c]) => [name, c.id, c.startedAt]),
    )
  })

  it('mutate replaces only the service containers that changed', async () => {
    const before = await containersOf('alpha')
    const mutated = {
      ...alpha,
      services: [tcpService('ssh', 22), tcpService('http', 80, { server: 'nginx' }), tcpService('smtp', 25)],
    }
    const report = await engine.mutate(mutated, network)
    expect(report.created.sort()).toEqual([`${instance}-alpha.http`, `${instance}-alpha.smtp`])
    expect(report.removed.sort()).toEqual([`${instance}-alpha.dns`, `${instance}-alpha.http`])
    const after = await containersOf('alpha')
    for (const kept of [`${instance}-alpha`, `${instance}-alpha.ssh`]) {
      expect(after.get(kept)?.id).toBe(before.get(kept)?.id)
    }
    expect(after.has(`${instance}-alpha.dns`)).toBe(false)
    expect(after.get(`${instance}-alpha.http`)?.info.Config.Env).toContain(
      'DECNET_SERVICE_CONFIG={"server":"nginx"}',
    )
    expect(await readBanner(alpha.ip, 25)).toMatch(/^smtp alpha/)
    const observed = await engine.observe(['gamma'])
    expect(observed.find((o) => o.name === 'alpha')).toMatchObject({
      state: 'up',
      services: { ssh: 'running', http: 'running', smtp: 'running' },
    })
    expect(observed.find((o) => o.name === 'gamma')).toMatchObject({ state: 'missing' })
  })

  it('observe reports a decky with a stopped service as degraded', async () => {
    const ftp = (await containersOf('beta')).get(`${instance}-beta.ftp`)
    await docker.getContainer(ftp?.id ?? '').stop({ t: 1 })
    const observed = await engine.observe()
    expect(observed.find((o) => o.name === 'beta')).toMatchObject({
      state: 'degraded',
      services: { ftp: 'exited' },
    })
    // A redeploy converges it back: the stopped container is replaced, the rest kept.
    const report = await engine.deploy(beta, network)
    expect(report.created).toEqual([`${instance}-beta.ftp`])
    expect(await readBanner(beta.ip, 21)).toMatch(/^ftp beta/)
  })

  it('reapOrphans removes a managed container whose decky is unknown, and nothing else', async () => {
    const ghost = deckySpec('ghost', `${network.prefix}.12`, [tcpService('ssh', 22)])
    await engine.deploy(ghost, network)
    const betaBefore = await containersOf('beta')
    // Another installation's managed container and an unmanaged one, both for an "unknown" decky.
    const image = betaBefore.values().next().value?.info.Image ?? ''
    const bystanders = await Promise.all(
      (
        [
          { 'decnet.managed': 'true', 'decnet.instance': `${instance}x`, 'decnet.decky': 'ghost' },
          { 'decnet.decky': 'ghost', 'decnet.instance': instance },
        ] as Record<string, string>[]
      ).map((Labels) => docker.createContainer({ Image: image, Cmd: ['pause'], Labels })),
    )
    // Just deployed: spared by the default grace period (its fleet row may be newer than the known list).
    expect(await engine.reapOrphans(['alpha', 'beta'])).toEqual({
      containersRemoved: [],
      networksRemoved: [],
      errors: [],
    })
    const report = await engine.reapOrphans(['alpha', 'beta'], { minAgeMs: 0 })
    for (const bystander of bystanders) {
      expect((await bystander.inspect()).Id).toBe(bystander.id)
      await bystander.remove({ force: true })
    }
    expect(report.containersRemoved.sort()).toEqual([`${instance}-ghost`, `${instance}-ghost.ssh`])
    expect(report.networksRemoved).toEqual([])
    expect(report.errors).toEqual([])
    expect((await containersOf('ghost')).size).toBe(0)
    expect([...(await containersOf('beta')).values()].map((c) => c.id)).toEqual(
      [...betaBefore.values()].map((c) => c.id),
    )
    expect((await containersOf('alpha')).size).toBe(4)
  })

  it('teardown removes every container of that decky, base included, and never the other decky', async () => {
    const betaBefore = await containersOf('beta')
    await engine.teardown('alpha')
    expect((await containersOf('alpha')).size).toBe(0)
    const betaAfter = await containersOf('beta')
    expect([...betaAfter.values()].map((c) => [c.id, c.startedAt])).toEqual(
      [...betaBefore.values()].map((c) => [c.id, c.startedAt]),
    )
    await engine.teardown('alpha')
    expect(await readBanner(beta.ip, 22)).toMatch(/^ssh beta/)
  })

  it('a decky that starts but does not answer fails with the port and reason', async () => {
    const mute = deckySpec('mute', `${network.prefix}.13`, [tcpService('ssh', 22, { silent: true })])
    const quick = new DockerEngine({
      image: (
        await docker.getImage((await containersOf('beta')).values().next().value?.info.Image ?? '').inspect()
      ).Id,
      instance,
      networkName: `${instance}_lan`,
      readinessTimeoutMs: 1500,
    })
    const started = Date.now()
    await expect(quick.deploy(mute, network)).rejects.toThrow(
      new RegExp(
        `decky mute started but does not answer: tcp/22 on ${mute.ip.replaceAll('.', '\\.')}: ECONNREFUSED`,
      ),
    )
    expect(Date.now() - started).toBeLessThan(8000)
    await quick.teardown('mute')
  })

  it('an aborted operation stops at its next step: nothing at all when aborted before, and out of the readiness wait', async () => {
    const mute = deckySpec('hush', `${network.prefix}.14`, [tcpService('ssh', 22, { silent: true })])
    await expect(engine.deploy(mute, network, { signal: AbortSignal.abort() })).rejects.toThrow(/aborted/i)
    expect((await containersOf('hush')).size).toBe(0)

    // The engine here waits up to 10 s for readiness; an abort 1.5 s in ends it at once.
    const lease = new AbortController()
    const started = Date.now()
    setTimeout(() => lease.abort(new Error('lease lost')), 1500)
    await expect(engine.deploy(mute, network, { signal: lease.signal })).rejects.toThrow('lease lost')
    expect(Date.now() - started).toBeLessThan(5000)
    await engine.teardown('hush')
  })
})
