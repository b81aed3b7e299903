import { execFileSync } from 'node:child_process'
import { connect } from 'node:net'
import { SERVICE_SLUGS } from '@decnet/core'
import type Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DECOY_CONFINEMENT } from '../src/engine/docker/containers.ts'
import { type DeckySpec, DockerEngine, deckySpecFor, probeUdp } from '../src/index.ts'
import { buildDecoyImage } from './support/decoy-image.ts'
import { deckySpec, dockerTestbed, execNode, removeInstance } from './support/docker.ts'

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

/** The decky's decoy container: the one process running all of its built-in services. */
async function decoyOf(decky: string): Promise<Docker.ContainerInfo> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`decnet.instance=${instance}`, `decnet.decky=${decky}`, 'decnet.role=decoy'] },
  })
  expect(containers).toHaveLength(1)
  return containers[0] as Docker.ContainerInfo
}

/** Inspects the decoy container of `decky` and asserts it is confined and running unharmed. */
async function expectConfinedDecoy(decky: string): Promise<void> {
  const summary = await decoyOf(decky)
  {
    const container = docker.getContainer(summary.Id)
    const info = await container.inspect()
    const host = info.HostConfig
    const where = decky
    expect({ where, capAdd: host.CapAdd ?? null }).toEqual({ where, capAdd: null })
    expect(host.CapDrop).toEqual(['ALL'])
    expect(host.SecurityOpt).toEqual(['no-new-privileges'])
    expect(host.ReadonlyRootfs).toBe(true)
    expect(host.Tmpfs ?? null).toBeNull()
    expect(host.Memory).toBe(DECOY_CONFINEMENT.memoryBytes)
    expect(host.MemorySwap).toBe(DECOY_CONFINEMENT.memoryBytes)
    expect(host.PidsLimit).toBe(DECOY_CONFINEMENT.pidsLimit)
    expect(host.NanoCpus).toBe(DECOY_CONFINEMENT.nanoCpus)
    // Its one volume holds the engine's services file: the decoy's user reads it, cannot write it.
    expect(info.Mounts.map((mount) => [mount.Type, mount.Destination])).toEqual([['volume', '/run/decnet']])
    expect(info.Config.User).toBe('65534:65534')
    const write = `try { require('fs').writeFileSync('/run/decnet/services.json', '[]'); console.log('written') } catch (e) { console.log(e.code) }`
    expect((await execNode(docker, summary.Id, write)).trim()).toBe('EACCES')
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
}

/** The services the decoy of `decky` says it runs (its last `applied` line on stderr). */
async function appliedServices(decky: string): Promise<string[]> {
  const logs = (
    await docker.getContainer((await decoyOf(decky)).Id).logs({ stdout: false, stderr: true })
  ).toString('utf8')
  // `applied <digest>: ssh on 22; http on 80; …`
  const applied = [...logs.matchAll(/decnet-decoy: applied [0-9a-f]{16}: ([^\n]*)/g)].at(-1)?.[1] ?? ''
  return applied.split('; ').map((part) => part.split(' on ')[0] ?? part)
}

/** Memory in use by the decoy container of `decky` (cgroup usage minus page cache), in MiB. */
async function decoyMemoryMiB(decky: string): Promise<number> {
  const stats = await docker.getContainer((await decoyOf(decky)).Id).stats({ stream: false })
  const cache = (stats.memory_stats.stats as Record<string, number> | undefined)?.cache ?? 0
  return (stats.memory_stats.usage - cache) / 2 ** 20
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
    await expectConfinedDecoy('real-01')
    expect(await appliedServices('real-01')).toEqual(['ssh', 'http', 'dns'])
    // The base alone keeps NET_ADMIN (it owns the network stack); the decoy has no capability.
    const [base] = await docker.listContainers({
      filters: { label: [`decnet.instance=${instance}`, 'decnet.decky=real-01', 'decnet.role=base'] },
    })
    expect((await docker.getContainer(base?.Id ?? '').inspect()).HostConfig.CapAdd).toEqual(['NET_ADMIN'])
    // Still answering after the inspection (nothing restarted meanwhile).
    expect(await sshBanner(spec.ip)).toMatch(/^SSH-2\.0-/)

    // One stdout for the three services: each event names its own.
    const logs = (
      await docker.getContainer((await decoyOf('real-01')).Id).logs({ stdout: true, stderr: false })
    ).toString('utf8')
    expect(logs).toMatch(/"decky":"real-01","service":"http","event":"request"[^\n]*decnet-lifecycle-test/)
    expect(logs).toMatch(/"decky":"real-01","service":"ssh","event":"connect"/)

    // A flood of oversized requests: the confined decoy is not killed for memory, does not
    // restart, and answers afterwards on every service.
    // (Its events rotate the `applied` line out of the container log: the services answer instead.)
    await flood(spec.ip, 80, 200, 4000)
    await expectConfinedDecoy('real-01')
    expect((await fetch(`http://${spec.ip}/`)).status).toBeGreaterThanOrEqual(200)
    expect(await sshBanner(spec.ip)).toMatch(/^SSH-2\.0-/)
    await expect(probeUdp(spec.ip, 53, 2000)).resolves.toEqual({ ok: true })
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
    // Every emulator runs confined (read-only root, no capability, limits) in its decky's decoy,
    // which says it runs every one of them, and stays up.
    const running: string[] = []
    for (const spec of specs) {
      await expectConfinedDecoy(spec.name)
      running.push(...(await appliedServices(spec.name)))
    }
    expect(running.sort()).toEqual([...SERVICE_SLUGS].sort())
    // Idle, every decoy sits far below its memory limit (the limit is a multiple of a flooded peak).
    const usage = await Promise.all(
      specs.map(async (spec) => ({
        decky: spec.name,
        services: spec.services.length,
        mib: await decoyMemoryMiB(spec.name),
      })),
    )
    console.log('idle decoy memory (MiB):', JSON.stringify(usage))
    const limitMiB = DECOY_CONFINEMENT.memoryBytes / 2 ** 20
    expect(usage.filter(({ mib }) => mib >= limitMiB / 2)).toEqual([])
    for (const spec of specs) await engine.teardown(spec.name)
  }, 180_000)
})
