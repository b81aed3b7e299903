import { execFileSync } from 'node:child_process'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerClient, DockerEngine, probeUdp } from '../src/index.ts'
import { bridgeNetwork, deckySpec, removeInstance, testInstance } from './support/docker.ts'

const docker = createDockerClient()
const instance = testInstance()
const network = bridgeNetwork()
let image: string

/** Builds (or confirms, when cached) the project's real decoy image with the command users run. */
beforeAll(() => {
  const output = execFileSync('pnpm', ['--filter', '@decnet/decoys', 'build:image'], {
    encoding: 'utf8',
    timeout: 240_000,
  })
  const tag = /decoy-image: (\S+) [0-9a-f]{12} /.exec(output)?.[1]
  if (!tag) throw new Error(`could not read the image tag from:\n${output}`)
  image = tag
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

describe('DockerEngine with the real decoy image', () => {
  it('deploys ssh, http and dns emulators that answer from the decky IP and log events to stdout', async () => {
    const engine = new DockerEngine({
      image,
      instance,
      networkName: `${instance}_lan`,
      readinessTimeoutMs: 20_000,
    })
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

    const [http] = await docker.listContainers({
      filters: { label: [`decnet.instance=${instance}`, 'decnet.decky=real-01', 'decnet.service=http'] },
    })
    const logs = (await docker.getContainer(http?.Id ?? '').logs({ stdout: true, stderr: false })).toString(
      'utf8',
    )
    expect(logs).toContain('"decky":"real-01"')
    expect(logs).toContain('decnet-lifecycle-test')

    await engine.teardown('real-01')
    expect(await engine.observe(['real-01'])).toEqual([
      { name: 'real-01', state: 'missing', services: {}, problems: ['no containers'] },
    ])
  })
})
