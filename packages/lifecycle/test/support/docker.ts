import { execFileSync } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { personaForLegacyDecky } from '@decnet/core'
import type Docker from 'dockerode'
import type { DeckySpec, NetworkContext } from '../../src/index.ts'

/** A unique engine instance per test file, so tests never see (or reap) anyone else's containers. */
export function testInstance(): string {
  return `lct${randomBytes(3).toString('hex')}`
}

/** Subnets other Docker networks already hold (Docker refuses overlapping pools). */
function subnetsInUse(): Set<string> {
  const ids = execFileSync('docker', ['network', 'ls', '-q'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
  const subnets = execFileSync(
    'docker',
    ['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', ...ids],
    {
      encoding: 'utf8',
    },
  )
  return new Set(subnets.split(/\s+/).filter(Boolean))
}

const usedPrefixes = new Set<string>()
/** A free /24 in the 198.18.0.0/15 benchmark range, random so parallel suites do not clash. */
export function testSubnet(): { prefix: string; subnet: string; gateway: string } {
  const inUse = subnetsInUse()
  let prefix: string
  do prefix = `198.${randomInt(18, 20)}.${randomInt(20, 250)}`
  while (usedPrefixes.has(prefix) || inUse.has(`${prefix}.0/24`))
  usedPrefixes.add(prefix)
  return { prefix, subnet: `${prefix}.0/24`, gateway: `${prefix}.1` }
}

export function bridgeNetwork(): NetworkContext & { prefix: string } {
  const { prefix, subnet, gateway } = testSubnet()
  return { driver: 'bridge', subnet, gateway, prefix }
}

let macCounter = 0x10
export function deckySpec(
  name: string,
  ip: string,
  services: DeckySpec['services'],
  osFamily = 'linux',
): DeckySpec {
  const octet = (macCounter++ % 250).toString(16).padStart(2, '0')
  const mac = `00:1b:21:4a:${randomBytes(1).toString('hex')}:${octet}`
  return {
    name,
    ip,
    mac,
    hostname: `${name}-host`,
    osFamily,
    sysctls:
      osFamily === 'windows'
        ? { 'net.ipv4.ip_default_ttl': 128, 'net.ipv4.tcp_syn_retries': 2, 'net.ipv4.tcp_fin_timeout': 30 }
        : { 'net.ipv4.ip_default_ttl': 64, 'net.ipv4.tcp_syn_retries': 6, 'net.ipv4.tcp_fin_timeout': 60 },
    services,
    seed: `seed-${name}`,
    persona: personaForLegacyDecky({
      name,
      osFamily,
      services: services.map((service) => service.slug),
      hostname: `${name}-host`,
      mac,
    }),
  }
}

export const tcpService = (slug: string, port: number, config: Record<string, string | boolean> = {}) => ({
  slug,
  ports: [{ port, protocol: 'tcp' as const }],
  config,
})

/** Removes everything labelled with the instance (containers, then networks): the suite's own leftovers only. */
export async function removeInstance(docker: Docker, instance: string): Promise<void> {
  const filters = { label: [`decnet.instance=${instance}`] }
  const containers = await docker.listContainers({ all: true, filters })
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })))
  const names = containers.flatMap((c) => c.Names.map((name) => name.replace(/^\//, '')))
  const networks = await docker.listNetworks({ filters })
  for (const network of networks) await removeNetworkWithStaleEndpoints(docker, network.Id, names)
}

/**
 * Docker 20.10 sometimes keeps an endpoint of a container removed in a burst (30 deckies at once):
 * the network then refuses removal ("has active endpoints") though it lists no container. A forced
 * disconnect by the removed containers' names clears those endpoints; a network that still refuses
 * after that is a real leak and fails the teardown.
 */
async function removeNetworkWithStaleEndpoints(docker: Docker, id: string, names: string[]): Promise<void> {
  const network = docker.getNetwork(id)
  for (let attempt = 1; ; attempt++) {
    try {
      await network.remove()
      return
    } catch (error) {
      if (attempt >= 3 || !/active endpoints/i.test((error as Error).message)) throw error
      for (const name of names)
        await network.disconnect({ Container: name, Force: true }).catch(() => undefined)
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
}

export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' })
}

/** Runs a command inside a (FROM scratch) container through the node binary it carries. */
export async function execNode(docker: Docker, containerId: string, script: string): Promise<string> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: ['/usr/bin/node', '-e', script],
    AttachStdout: true,
    AttachStderr: true,
  })
  const stream = await exec.start({ hijack: true, stdin: false })
  const chunks: Buffer[] = []
  const { PassThrough } = await import('node:stream')
  const out = new PassThrough()
  out.on('data', (chunk: Buffer) => chunks.push(chunk))
  docker.modem.demuxStream(stream, out, out)
  await new Promise((resolve) => stream.on('end', resolve))
  return Buffer.concat(chunks).toString('utf8')
}
