import { execFileSync } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { personaForLegacyDecky } from '@decnet/core'
import type Docker from 'dockerode'
import { createDockerClient, type DeckySpec, type NetworkContext } from '../../src/index.ts'

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
const REMOVE_CONCURRENCY = 8

/** Runs `work` over `items` with at most `limit` in flight; settles every one. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      try {
        results[i] = { status: 'fulfilled', value: await work(items[i] as T) }
      } catch (reason) {
        results[i] = { status: 'rejected', reason }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/**
 * A forced removal. A dropped connection is retried once; the first request may still be running in
 * the daemon, so a 409 "already in progress" then waits until the container is gone.
 */
async function removeContainer(docker: Docker, id: string): Promise<void> {
  const container = docker.getContainer(id)
  const status = (error: unknown) => (error as { statusCode?: number }).statusCode
  for (let attempt = 1; ; attempt++) {
    try {
      await container.remove({ force: true, v: true })
      return
    } catch (error) {
      if (status(error) === 404) return
      if (attempt >= 2 && status(error) === 409) return waitUntilGone(container)
      if (attempt >= 2 || status(error) !== undefined) throw error
    }
  }
}

async function waitUntilGone(container: Docker.Container): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const gone = await container.inspect().then(
      () => false,
      (error: unknown) => (error as { statusCode?: number }).statusCode === 404,
    )
    if (gone) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`container ${container.id} still exists a minute after its removal began`)
}

export async function removeInstance(docker: Docker, instance: string): Promise<void> {
  const filters = { label: [`decnet.instance=${instance}`] }
  const containers = await docker.listContainers({ all: true, filters })
  // Bounded: Docker 20.10 hangs up on some of ~100 forced removals sent at once ("socket hang up").
  const removed = await inBatches(containers, REMOVE_CONCURRENCY, (c) => removeContainer(docker, c.Id))
  const failed = removed.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed.length > 0) throw failed[0]?.reason
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

/**
 * What a real-Docker test file works in: the client, an instance name of its own (every container and
 * network it makes carries it, so cleanup touches nothing else) and a fresh bridge network.
 */
export function dockerTestbed() {
  return { docker: createDockerClient(), instance: testInstance(), network: bridgeNetwork() }
}
