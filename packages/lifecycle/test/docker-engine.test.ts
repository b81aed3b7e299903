import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockerEngine, probeUdp } from '../src/index.ts'
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
    // A base and one decoy container for all three services.
    expect(first.created.sort()).toEqual([`${instance}-alpha`, `${instance}-alpha.decoy`].sort())
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

    expect(await readBanner(alpha.ip, 22)).toBe('ssh alpha alpha-host\n')
    expect(await readBanner(alpha.ip, 80)).toBe('http alpha alpha-host\n')
    expect(await readBanner(beta.ip, 21)).toBe('ftp beta beta-host\n')

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

    const decoy = alphaAfter.get(`${instance}-alpha.decoy`)?.info
    expect(decoy?.HostConfig.NetworkMode).toBe(`container:${base?.Id}`)
    expect(decoy?.HostConfig.RestartPolicy?.Name).toBe('unless-stopped')
    expect(decoy?.HostConfig.LogConfig).toMatchObject({ Type: 'json-file', Config: { 'max-size': '10m' } })
    expect(decoy?.Config.Labels).toMatchObject({
      'decnet.managed': 'true',
      'decnet.decky': 'alpha',
      'decnet.role': 'decoy',
      'decnet.instance': instance,
    })
    expect(decoy?.Config.Env).toContain(
      'DECNET_SERVICES=[{"slug":"ssh","ports":[22],"config":{}},{"slug":"http","ports":[80],"config":{}},{"slug":"dns","ports":[53],"config":{}}]',
    )
    // The services volume: anonymous, at the path the decoy reads an edited set from.
    expect(decoy?.Mounts).toEqual([expect.objectContaining({ Type: 'volume', Destination: '/run/decnet' })])
  })

  it('redeploying an unchanged decky keeps every container', async () => {
    const before = await containersOf('alpha')
    const report = await engine.deploy(alpha, network)
    expect(report.created).toEqual([])
    expect(report.removed).toEqual([])
    expect(report.reconfigured).toEqual([])
    expect(report.kept).toHaveLength(before.size)
    const after = await containersOf('alpha')
    expect([...after].map(([name, c]) => [name, c.id, c.startedAt])).toEqual(
      [...before].map(([name, c]) => [name, c.id, c.startedAt]),
    )
  })

  it('mutate applies the new service set in the running decoy: no container replaced', async () => {
    const before = await containersOf('alpha')
    const mutated = {
      ...alpha,
      services: [tcpService('ssh', 22), tcpService('http', 80, { banner: 'nginx' }), tcpService('smtp', 25)],
    }
    const report = await engine.mutate(mutated, network)
    expect(report.reconfigured).toEqual([`${instance}-alpha.decoy`])
    expect(report.created).toEqual([])
    expect(report.removed).toEqual([])
    const after = await containersOf('alpha')
    expect([...after].map(([name, c]) => [name, c.id, c.startedAt])).toEqual(
      [...before].map(([name, c]) => [name, c.id, c.startedAt]),
    )
    // smtp added, http's new config applied, dns gone, ssh untouched.
    expect(await readBanner(alpha.ip, 25)).toBe('smtp alpha alpha-host\n')
    expect(await readBanner(alpha.ip, 80)).toBe('nginx\n')
    await expect(probeUdp(alpha.ip, 53, 1000)).resolves.toMatchObject({ ok: false })
    expect(await readBanner(alpha.ip, 22)).toBe('ssh alpha alpha-host\n')
    // The same set again is nothing to do; the edited set survives a restart of the decoy process.
    expect((await engine.mutate(mutated, network)).reconfigured).toEqual([])
    await docker.getContainer(after.get(`${instance}-alpha.decoy`)?.id ?? '').restart({ t: 1 })
    await expect
      .poll(() => readBanner(alpha.ip, 25).catch(() => 'not yet'), { timeout: 10_000 })
      .toBe('smtp alpha alpha-host\n')
    const observed = await engine.observe(['gamma'])
    expect(observed.find((o) => o.name === 'alpha')).toMatchObject({
      state: 'up',
      decoy: 'running',
      services: {},
    })
    expect(observed.find((o) => o.name === 'gamma')).toMatchObject({ state: 'missing' })
  })

  it('a service the decoy cannot start fails the mutation with its reason; the others keep running', async () => {
    const broken = { ...alpha, services: [tcpService('ssh', 22), tcpService('imap', 143, { fail: true })] }
    await expect(engine.mutate(broken, network)).rejects.toThrow(
      'decky alpha: its decoy did not take the new services: cannot start imap: told to fail',
    )
    expect(await readBanner(alpha.ip, 22)).toBe('ssh alpha alpha-host\n')
  })

  it('observe reports a decky whose decoy stopped as degraded', async () => {
    const decoy = (await containersOf('beta')).get(`${instance}-beta.decoy`)
    await docker.getContainer(decoy?.id ?? '').stop({ t: 1 })
    const observed = await engine.observe()
    expect(observed.find((o) => o.name === 'beta')).toMatchObject({
      state: 'degraded',
      decoy: 'exited',
      problems: ['decoy container exited'],
    })
    // A redeploy converges it back: the stopped container is replaced, the base kept.
    const report = await engine.deploy(beta, network)
    expect(report.created).toEqual([`${instance}-beta.decoy`])
    expect(report.kept).toEqual([`${instance}-beta`])
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
      ).map((Labels) => docker.createContainer({ Image: image, Labels })),
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
    expect(report.containersRemoved.sort()).toEqual([`${instance}-ghost`, `${instance}-ghost.decoy`])
    expect(report.networksRemoved).toEqual([])
    expect(report.errors).toEqual([])
    expect((await containersOf('ghost')).size).toBe(0)
    expect([...(await containersOf('beta')).values()].map((c) => c.id)).toEqual(
      [...betaBefore.values()].map((c) => c.id),
    )
    expect((await containersOf('alpha')).size).toBe(2)
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
