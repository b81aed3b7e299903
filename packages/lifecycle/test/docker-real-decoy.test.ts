import { execFileSync } from 'node:child_process'
import { connect } from 'node:net'
import { SERVICE_SLUGS } from '@decnet/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SERVICE_CONFINEMENT } from '../src/engine/docker/containers.ts'
import { type DeckySpec, DockerEngine, deckySpecFor, probeUdp } from '../src/index.ts'
import { buildDecoyImage } from './support/decoy-image.ts'
import { deckySpec, dockerTestbed, removeInstance } from './support/docker.ts'

const { docker, instance, network } = dockerTestbed()
let image: string

/** Builds (or confirms, when cached) the project's real decoy image with the command users run. */
beforeAll(() => {
  image = buildDecoyImage()
}, 250_000)

afterAll(async () => {
  await removeInstance(docker, instance)
})

function sshBanner(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(22, host)
    socket.once('data', (chunk) => {
      resolve(chunk.toString('utf8'))
      socket.destroy()
    })
    socket.once('error', reject)
  })
}

/** Inspects every service container of `decky` and asserts it is confined and running unharmed. */
async function expectConfinedServices(decky: string): Promise<number> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`decnet.instance=${instance}`, `decnet.decky=${decky}`, 'decnet.role=service'] },
  })
  for (const summary of containers) {
    const info = await docker.getContainer(summary.Id).inspect()
    const host = info.HostConfig
    const where = `${decky}/${summary.Labels['decnet.service']}`
    expect({ where, capAdd: host.CapAdd ?? null }).toEqual({ where, capAdd: null })
    expect(host.CapDrop).toEqual(['ALL'])
    expect(host.SecurityOpt).toEqual(['no-new-privileges'])
    expect(host.ReadonlyRootfs).toBe(true)
    expect(host.Tmpfs ?? null).toBeNull()
    expect(host.Memory).toBe(SERVICE_CONFINEMENT.memoryBytes)
    expect(host.MemorySwap).toBe(SERVICE_CONFINEMENT.memoryBytes)
    expect(host.PidsLimit).toBe(SERVICE_CONFINEMENT.pidsLimit)
    expect(host.NanoCpus).toBe(SERVICE_CONFINEMENT.nanoCpus)
    // Confined, yet running as deployed: not crash-looping, not killed for memory.
    expect({
      where,
      running: info.State.Running,
      oom: info.State.OOMKilled,
      restarts: info.RestartCount,
    }).toEqual({
      where,
      running: true,
      oom: false,
      restarts: 0,
    })
  }
  return containers.length
}

/** Memory in use by each service container of `decky` (cgroup usage minus page cache), in MiB. */
async function serviceMemoryMiB(decky: string): Promise<Record<string, number>> {
  const containers = await docker.listContainers({
    filters: { label: [`decnet.instance=${instance}`, `decnet.decky=${decky}`, 'decnet.role=service'] },
  })
  const usage: Record<string, number> = {}
  for (const summary of containers) {
    const stats = await docker.getContainer(summary.Id).stats({ stream: false })
    const cache = (stats.memory_stats.stats as Record<string, number> | undefined)?.cache ?? 0
    usage[summary.Labels['decnet.service'] ?? summary.Id] = (stats.memory_stats.usage - cache) / 2 ** 20
  }
  return usage
}

/** `parallel` clients sending oversized HTTP requests to `ip:port` for `ms`, each on a new connection. */
async function flood(ip: string, port: number, parallel: number, ms: number): Promise<void> {
  const until = Date.now() + ms
  const request = `GET /${'x'.repeat(4000)} HTTP/1.1\r\nHost: x\r\nUser-Agent: ${'y'.repeat(6000)}\r\n\r\n`
  const client = async () => {
    while (Date.now() < until) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, ip, () => socket.write(request))
        socket.setTimeout(2000, () => socket.destroy())
        socket.on('data', () => socket.destroy())
        socket.on('error', () => resolve())
        socket.on('close', () => resolve())
      })
    }
  }
  await Promise.all(Array.from({ length: parallel }, client))
}

/** An engine of this test's instance on its own LAN, waiting up to `readinessTimeoutMs` for readiness. */
const realDecoyEngine = (readinessTimeoutMs: number) =>
  new DockerEngine({ image, instance, networkName: `${instance}_lan`, readinessTimeoutMs })

describe('DockerEngine with the real decoy image', () => {
  it('deploys ssh, http and dns emulators that answer from the decky IP and log events to stdout', async () => {
    const engine = realDecoyEngine(20_000)
    const spec = deckySpec('real-01', `${network.prefix}.30`, [
      { slug: 'ssh', ports: [{ port: 22, protocol: 'tcp' }], config: {} },
      { slug: 'http', ports: [{ port: 80, protocol: 'tcp' }], config: {} },
      { slug: 'dns', ports: [{ port: 53, protocol: 'udp' }], config: {} },
    ])
    await engine.deploy(spec, network)

    expect(await sshBanner(spec.ip)).toMatch(/^SSH-2\.0-/)
    const response = await fetch(`http://${spec.ip}/`, { headers: { 'user-agent': 'decnet-lifecycle-test' } })
    expect(response.status).toBeGreaterThanOrEqual(200)
    await expect(probeUdp(spec.ip, 53, 2000)).resolves.toEqual({ ok: true })
    expect(await expectConfinedServices('real-01')).toBe(3)
    // The base alone keeps NET_ADMIN (it owns the network stack); the services have no capability.
    const [base] = await docker.listContainers({
      filters: { label: [`decnet.instance=${instance}`, 'decnet.decky=real-01', 'decnet.role=base'] },
    })
    expect((await docker.getContainer(base?.Id ?? '').inspect()).HostConfig.CapAdd).toEqual(['NET_ADMIN'])
    // Still answering after the inspection (nothing restarted meanwhile).
    expect(await sshBanner(spec.ip)).toMatch(/^SSH-2\.0-/)

    const [http] = await docker.listContainers({
      filters: { label: [`decnet.instance=${instance}`, 'decnet.decky=real-01', 'decnet.service=http'] },
    })
    const logs = (await docker.getContainer(http?.Id ?? '').logs({ stdout: true, stderr: false })).toString(
      'utf8',
    )
    expect(logs).toContain('"decky":"real-01"')
    expect(logs).toContain('decnet-lifecycle-test')

    // A flood of oversized requests: the confined emulator is not killed for memory, does not
    // restart, and answers afterwards.
    await flood(spec.ip, 80, 200, 4000)
    expect(await expectConfinedServices('real-01')).toBe(3)
    expect((await fetch(`http://${spec.ip}/`)).status).toBeGreaterThanOrEqual(200)
    await engine.teardown('real-01')
    expect(await engine.observe(['real-01'])).toEqual([
      { name: 'real-01', state: 'missing', services: {}, problems: ['no containers'] },
    ])
  }, 120_000)
})

describe("a decky taking over a torn-down decky's address", () => {
  it('answers at once: its base announces the new MAC, so the host does not keep the old one', async () => {
    // A third decky keeps the bridge up throughout: with no port left the bridge drops its neighbour
    // cache by itself, which would hide a stale entry.
    const engine = realDecoyEngine(20_000)
    const ssh = [{ slug: 'ssh', ports: [{ port: 22, protocol: 'tcp' as const }], config: {} }]
    const keeper = deckySpec('keeper', `${network.prefix}.40`, ssh)
    const before = deckySpec('before', `${network.prefix}.41`, ssh)
    const after = deckySpec('after', `${network.prefix}.41`, ssh)
    expect(after.mac).not.toBe(before.mac)
    await engine.deploy(keeper, network)
    await engine.deploy(before, network)
    expect(await sshBanner(before.ip)).toMatch(/^SSH-2\.0-/)
    const neighbour = () => execFileSync('ip', ['neigh', 'show', before.ip], { encoding: 'utf8' })
    expect(neighbour()).toContain(before.mac.toLowerCase())
    await engine.teardown('before')

    // The readiness budget is half the ~30 s a stale neighbour entry stays reachable, with room for
    // the other test files deploying on the same two cores at the same time.
    const started = Date.now()
    await realDecoyEngine(15_000).deploy(after, network)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(neighbour()).toContain(after.mac.toLowerCase())
    expect(await sshBanner(after.ip)).toMatch(/^SSH-2\.0-/)
    const [base] = await docker.listContainers({
      filters: { label: [`decnet.instance=${instance}`, 'decnet.decky=after', 'decnet.role=base'] },
    })
    const baseLog = (
      await docker.getContainer(base?.Id ?? '').logs({ stdout: true, stderr: true })
    ).toString()
    expect(baseLog).toContain(`decnet-pause: ready (announced to ${network.gateway})`)
    await engine.teardown('after')
    await engine.teardown('keeper')
  }, 120_000)
})

/** Packs slugs into as few deckies as possible without two services on one port/protocol. */
function packWithoutPortClashes(slugs: readonly string[]): string[][] {
  const groups: { slugs: string[]; ports: Set<string> }[] = []
  for (const slug of slugs) {
    const ports =
      deckySpecFor({
        name: 'x',
        ip: '0.0.0.0',
        mac: '',
        hostname: 'x',
        osFamily: 'linux',
        services: [slug],
        serviceConfig: {},
      }).services[0]?.ports.map(({ port }) => String(port)) ?? []
    let group = groups.find((g) => ports.every((port) => !g.ports.has(port)))
    if (!group) {
      group = { slugs: [], ports: new Set() }
      groups.push(group)
    }
    group.slugs.push(slug)
    for (const port of ports) group.ports.add(port)
  }
  return groups.map((g) => g.slugs)
}

describe('every catalogue service on real Docker', () => {
  it('deploys and answers the readiness probe on its catalogue ports', async () => {
    const engine = realDecoyEngine(60_000)
    const groups = packWithoutPortClashes(SERVICE_SLUGS)
    const specs: DeckySpec[] = groups.map((slugs, i) =>
      deckySpecFor({
        name: `every-${i}`,
        ip: `${network.prefix}.${100 + i}`,
        mac: `00:1b:21:5e:00:${(16 + i).toString(16)}`,
        hostname: `every-${i}`,
        osFamily: 'linux',
        services: slugs,
        serviceConfig: {},
      }),
    )
    const results = await Promise.allSettled(specs.map((spec) => engine.deploy(spec, network)))
    const failures = results.flatMap((result) =>
      result.status === 'rejected' ? [String(result.reason)] : [],
    )
    expect(failures).toEqual([])
    expect(specs.flatMap((spec) => spec.services.map((service) => service.slug)).sort()).toEqual(
      [...SERVICE_SLUGS].sort(),
    )
    // Every emulator runs confined (read-only root, no capability, limits) and stays up.
    let confined = 0
    for (const spec of specs) confined += await expectConfinedServices(spec.name)
    expect(confined).toBe(SERVICE_SLUGS.length)
    // Idle, every emulator sits far below its memory limit (the limit is a multiple of a flooded peak).
    const usage: Record<string, number> = Object.assign(
      {},
      ...(await Promise.all(specs.map((spec) => serviceMemoryMiB(spec.name)))),
    )
    console.log('idle service memory (MiB):', JSON.stringify(usage))
    for (const [slug, mib] of Object.entries(usage)) {
      expect({ slug, belowHalfTheLimit: mib < SERVICE_CONFINEMENT.memoryBytes / 2 ** 20 / 2 }).toEqual({
        slug,
        belowHalfTheLimit: true,
      })
    }
    for (const spec of specs) await engine.teardown(spec.name)
  }, 180_000)
})
