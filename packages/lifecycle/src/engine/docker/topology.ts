// Docker side of a topology (core's `planTopologyLinks`): one bridge per topology network (inner ones
// `internal`, so Docker keeps them off the outside world and off each other), a decky's extra
// interfaces on the networks after its first, and its default route through the upstream pivot, set
// inside its base container's namespace with the image's own `ip` (the base holds NET_ADMIN). Pivots
// forward because their base carries `net.ipv4.ip_forward = 1` (namespaced; see `pivotSysctls`).
// Managed labels make empty topology networks part of the engine's network reap.
import type { PlannedLink, TopologyNetwork } from '@decnet/core'
import type Docker from 'dockerode'
import { dockerCall, isNotFound } from './calls.ts'
import { LABEL } from './labels.ts'
import { ensureNetwork, type NetworkOutcome } from './network.ts'

/** The image's iproute2 (the shaper uses the same binary). */
const IP_BINARY = '/usr/sbin/ip'

/** A topology network's Docker name: `<instance>-net-<name>` (network names never hold '.'). */
export function topologyNetworkName(instance: string, network: string): string {
  return `${instance}-net-${network}`
}

/** The sysctls a pivot's base container adds to its OS profile: it routes between its networks. */
export const PIVOT_SYSCTLS: Readonly<Record<string, number>> = { 'net.ipv4.ip_forward': 1 }

/** Creates (or reuses) the Docker network of one topology network. */
export function ensureTopologyNetwork(
  docker: Docker,
  instance: string,
  network: Pick<TopologyNetwork, 'name' | 'subnet' | 'gateway' | 'entry'>,
  timeoutMs: number,
): Promise<NetworkOutcome> {
  return ensureNetwork(
    docker,
    topologyNetworkName(instance, network.name),
    { driver: 'bridge', subnet: network.subnet, gateway: network.gateway, internal: !network.entry },
    { [LABEL.managed]: 'true', [LABEL.instance]: instance },
    timeoutMs,
  )
}

/**
 * Removes a topology network (by its Docker name) when no container is attached any more; gone
 * already counts as removed, and one still in use (another decky of the topology) is kept.
 */
export async function removeNetworkIfUnused(docker: Docker, name: string, timeoutMs: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const info = await dockerCall(`inspect network ${name}`, timeoutMs, () =>
        docker.getNetwork(name).inspect(),
      )
      if (Object.keys(info.Containers ?? {}).length > 0) return
      await dockerCall(`remove network ${name}`, timeoutMs, () => docker.getNetwork(name).remove())
      return
    } catch (error) {
      if (isNotFound(error)) return
      // Docker 20.10 can keep a just-removed container's endpoint for a moment ("has active endpoints").
      if (attempt >= 5 || !/active endpoints/i.test((error as Error).message)) throw error
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
    }
  }
}

async function run(docker: Docker, containerId: string, cmd: string[], timeoutMs: number): Promise<void> {
  const exec = await dockerCall(`exec ${cmd.join(' ')}`, timeoutMs, () =>
    // As root: the base's NET_ADMIN is in its bounding set, the image's own user has none effective.
    docker.getContainer(containerId).exec({ Cmd: cmd, User: '0', AttachStdout: true, AttachStderr: true }),
  )
  const stream = await dockerCall('start exec', timeoutMs, () => exec.start({ hijack: true, stdin: false }))
  const output: Buffer[] = []
  stream.on('data', (chunk: Buffer) => output.push(chunk))
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve)
    stream.on('error', reject)
  })
  const { ExitCode } = await dockerCall('inspect exec', timeoutMs, () => exec.inspect())
  if (ExitCode !== 0) {
    // Docker's multiplexed frames carry an 8-byte header; the text is what matters in the error.
    const text = Buffer.concat(output)
      .toString('utf8')
      .replace(/[^\x20-\x7e]+/g, ' ')
      .trim()
    throw new Error(`${cmd.join(' ')} exited with ${ExitCode}: ${text}`)
  }
}

/**
 * Wires a decky's base container (already on its first network) into the rest of its topology: one
 * interface per further network at its planned address, then its default route through the upstream
 * pivot when it has one. Idempotent: connected networks are skipped, the route is replaced.
 */
export async function linkTopologyDecky(
  docker: Docker,
  instance: string,
  baseContainerId: string,
  decky: { links: readonly PlannedLink[]; gateway: string | null },
  timeoutMs: number,
): Promise<void> {
  const container = docker.getContainer(baseContainerId)
  const info = await dockerCall('inspect base container', timeoutMs, () => container.inspect())
  const attached = new Set(Object.keys(info.NetworkSettings.Networks ?? {}))
  for (const link of decky.links.slice(1)) {
    const name = topologyNetworkName(instance, link.network)
    if (attached.has(name)) continue
    await dockerCall(`connect to ${name}`, timeoutMs, () =>
      docker.getNetwork(name).connect({
        Container: baseContainerId,
        EndpointConfig: { IPAMConfig: { IPv4Address: link.ip } },
      }),
    )
  }
  if (decky.gateway !== null) {
    await run(
      docker,
      baseContainerId,
      [IP_BINARY, 'route', 'replace', 'default', 'via', decky.gateway],
      timeoutMs,
    )
  }
}
