import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerClient, DockerEngine } from '../src/index.ts'
import { bridgeNetwork, deckySpec, removeInstance, tcpService, testInstance } from './support/docker.ts'
import { ensureTestImage } from './support/test-image.ts'

const docker = createDockerClient()
const instance = testInstance()
const spec = deckySpec('faulty', '198.18.3.10', [tcpService('ssh', 22)])
let image: string

beforeAll(async () => {
  image = await ensureTestImage(docker)
}, 120_000)

afterAll(async () => {
  await removeInstance(docker, instance)
})

describe('Docker engine faults fail fast with a readable reason', () => {
  it('an absent daemon socket: every operation rejects at once, naming the call and the cause', async () => {
    const engine = new DockerEngine({ image, instance, dockerHost: 'unix:///nonexistent/docker.sock' })
    const started = Date.now()
    await expect(engine.deploy(spec, bridgeNetwork())).rejects.toThrow(
      /^docker inspect image decnet-lifecycle-test\/decoy:\w+: (connect )?ENOENT/,
    )
    await expect(engine.teardown('faulty')).rejects.toThrow(/^docker list containers: .*ENOENT/)
    await expect(engine.observe()).rejects.toThrow(/ENOENT/)
    const report = await engine.reapOrphans([])
    expect(report.errors).toEqual([
      expect.stringMatching(/^docker list failed: docker list containers: .*ENOENT/),
    ])
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('a daemon that accepts but never answers: operations reject within the call timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'decnet-hung-'))
    const socketPath = join(dir, 'docker.sock')
    const held: import('node:net').Socket[] = []
    const server: Server = createServer((socket) => held.push(socket))
    await new Promise<void>((resolve) => server.listen(socketPath, resolve))
    try {
      const engine = new DockerEngine({
        image,
        instance,
        dockerHost: `unix://${socketPath}`,
        callTimeoutMs: 400,
      })
      const started = Date.now()
      await expect(engine.deploy(spec, bridgeNetwork())).rejects.toThrow(
        /^docker inspect image .*: (no answer from the Docker daemon within 400 ms|.*timeout)/i,
      )
      await expect(engine.teardown('faulty')).rejects.toThrow(/^docker list containers: /)
      expect(Date.now() - started).toBeLessThan(2500)
    } finally {
      for (const socket of held) socket.destroy()
      server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a missing image fails at once, naming the image and the build command', async () => {
    const engine = new DockerEngine({
      image: 'decnet-lifecycle-test/absent:nope',
      instance,
      buildCommand: 'pnpm --filter @decnet/decoys build:image',
    })
    await expect(engine.deploy(spec, bridgeNetwork())).rejects.toThrow(
      'decoy image decnet-lifecycle-test/absent:nope is not present on the Docker host; build it with: pnpm --filter @decnet/decoys build:image',
    )
    expect(
      await docker.listContainers({ all: true, filters: { label: [`decnet.instance=${instance}`] } }),
    ).toEqual([])
    // Nothing else either: the network is only ensured once the image is known to exist.
    expect(await docker.listNetworks({ filters: { label: [`decnet.instance=${instance}`] } })).toEqual([])
  })
})

describe('network create/reuse/replace', () => {
  it('replaces a drifted network with nothing attached, and refuses (clearly) while a decky is attached', async () => {
    const networkName = `${instance}_net`
    const engine = new DockerEngine({ image, instance, networkName, readinessTimeoutMs: 10_000 })
    const first = bridgeNetwork()
    const drifted = bridgeNetwork()
    const stale = await docker.createNetwork({
      Name: networkName,
      Driver: 'bridge',
      Labels: { 'decnet.instance': instance },
      IPAM: { Driver: 'default', Config: [{ Subnet: drifted.subnet, Gateway: drifted.gateway }] },
    })
    const decky = { ...spec, ip: `${first.prefix}.20` }
    await engine.deploy(decky, first)
    const [network] = await docker.listNetworks({ filters: { name: [networkName] } })
    expect(network?.Id).not.toBe(stale.id)
    expect(network?.IPAM?.Config?.[0]?.Subnet).toBe(first.subnet)
    expect(network?.Labels).toMatchObject({ 'decnet.managed': 'true', 'decnet.instance': instance })

    const other = bridgeNetwork()
    await expect(engine.deploy({ ...decky, ip: `${other.prefix}.20` }, other)).rejects.toThrow(
      new RegExp(
        `network ${networkName} exists with driver=bridge subnet=${first.subnet.replaceAll('.', '\\.')} .* cannot be replaced while 1 container\\(s\\) are attached \\(${instance}-faulty\\)`,
      ),
    )
    // Unchanged network context: reused, and the decky is untouched.
    expect((await engine.deploy(decky, first)).created).toEqual([])
    await engine.teardown('faulty')
    const reaped = await engine.reapOrphans([], { minAgeMs: 0 })
    expect(reaped).toEqual({ containersRemoved: [], networksRemoved: [networkName], errors: [] })
  })
})
