import type Docker from 'dockerode'
import type { NetworkContext } from '../types.ts'
import { dockerCall, isConflict } from './calls.ts'

export type NetworkOutcome = 'reused' | 'created' | 'replaced'

type NetworkFacts = {
  driver: string
  subnet?: string
  gateway?: string
  parent?: string
  internal: boolean
  attached: string[]
}

function describeFacts({
  driver,
  subnet,
  gateway,
  parent,
  internal,
}: Pick<NetworkFacts, 'driver' | 'subnet' | 'gateway' | 'parent' | 'internal'>) {
  return `driver=${driver} subnet=${subnet ?? '?'} gateway=${gateway ?? '?'}${parent ? ` parent=${parent}` : ''}${internal ? ' internal' : ''}`
}

function wanted(
  context: NetworkContext,
): Pick<NetworkFacts, 'driver' | 'subnet' | 'gateway' | 'parent' | 'internal'> {
  return {
    driver: context.driver,
    subnet: context.subnet,
    gateway: context.gateway,
    internal: context.internal === true,
    ...(context.driver === 'bridge' ? {} : { parent: context.parent }),
  }
}

function driverOptions(context: NetworkContext): Record<string, string> {
  if (context.driver === 'bridge') return {}
  if (!context.parent) throw new Error(`network driver ${context.driver} needs a parent interface`)
  return context.driver === 'ipvlan'
    ? { parent: context.parent, ipvlan_mode: 'l2' }
    : { parent: context.parent }
}

/**
 * Create-or-reuse of the decky LAN. Each same-named network is re-inspected (a list call leaves
 * `Containers` empty); one that matches is reused; one that differs is replaced only when nothing is
 * attached (Docker refuses to remove it otherwise), else the caller gets an error saying why.
 */
export async function ensureNetwork(
  docker: Docker,
  name: string,
  context: NetworkContext,
  labels: Record<string, string>,
  timeoutMs: number,
): Promise<NetworkOutcome> {
  const want = wanted(context)
  const options = driverOptions(context)
  const listed = await dockerCall('list networks', timeoutMs, () =>
    docker.listNetworks({ filters: { name: [name] } }),
  )
  let replaced = false
  for (const summary of listed.filter((network) => network.Name === name)) {
    const info = await dockerCall(`inspect network ${name}`, timeoutMs, () =>
      docker.getNetwork(summary.Id).inspect(),
    )
    const pool = info.IPAM?.Config?.[0]
    const facts: NetworkFacts = {
      driver: info.Driver,
      subnet: pool?.Subnet,
      gateway: pool?.Gateway,
      parent: info.Options?.parent,
      internal: info.Internal === true,
      attached: Object.values(info.Containers ?? {}).map((container) => container.Name),
    }
    if (
      facts.driver === want.driver &&
      facts.subnet === want.subnet &&
      facts.gateway === want.gateway &&
      facts.parent === want.parent &&
      facts.internal === want.internal
    ) {
      return 'reused'
    }
    if (facts.attached.length > 0) {
      throw new Error(
        `network ${name} exists with ${describeFacts(facts)} but ${describeFacts(want)} is wanted, and it cannot be ` +
          `replaced while ${facts.attached.length} container(s) are attached (${facts.attached.join(', ')}); ` +
          'tear those deckies down first or use another network name',
      )
    }
    await dockerCall(`remove network ${name}`, timeoutMs, () => docker.getNetwork(summary.Id).remove())
    replaced = true
  }
  try {
    await dockerCall(`create network ${name}`, timeoutMs, () =>
      docker.createNetwork({
        Name: name,
        Driver: context.driver,
        Internal: context.internal === true,
        CheckDuplicate: true,
        Labels: labels,
        Options: options,
        IPAM: { Driver: 'default', Config: [{ Subnet: context.subnet, Gateway: context.gateway }] },
      }),
    )
  } catch (error) {
    // Another process created it between our list and create: converge against what it made.
    if (isConflict(error)) return ensureNetwork(docker, name, context, labels, timeoutMs)
    throw error
  }
  return replaced ? 'replaced' : 'created'
}
