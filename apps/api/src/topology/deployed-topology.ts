// The deployed topology, drawn from what each decky stores of it (its links, pivot flag): the core
// plan is not kept, so the network tree is found again the way core built it, breadth-first from the
// entry networks across pivots. Each inner network sits behind exactly one pivot (core's rule), so
// the first pivot reaching it is the one leading to it.
import { ZDeckyName, ZDeckyState } from '@decnet/core'
import type { Decky } from '@decnet/db'
import { z } from 'zod'
import { type DeckyOutput, type DeckyOutputServices, toDeckyOutputs } from '../fleet/decky-output.ts'
import { lateralHops, MAX_HOPS, ZLateralHopOutput } from './lateral-movement.ts'

/** A topology network never has more (core: MAX_TOPOLOGY_NETWORKS per INI; additive INIs add more). */
const MAX_NETWORKS = 256
const MAX_NODES = 5_000

export const ZTopologyNetworkOutput = z.object({
  name: z.string().min(1).max(64),
  subnet: z.cidrv4(),
  /** Kept off the outside world: reached only through its pivot. */
  internal: z.boolean(),
  /** Reachable from outside (the entry LAN of its topology). */
  entry: z.boolean(),
  /** The network one hop closer to the entry network; null for an entry network or one not linked to any. */
  parent: z.string().nullable(),
  /** The pivot decky linking it to its parent; null with `parent`. */
  via: ZDeckyName.nullable(),
})

export const ZTopologyNodeOutput = z.object({
  name: ZDeckyName,
  hostname: z.string(),
  state: ZDeckyState,
  /** It forwards between its networks. */
  pivot: z.boolean(),
  /** Its address on each of its networks, its primary one first. */
  links: z.array(z.object({ network: z.string(), ip: z.ipv4() })).max(32),
})

/** A pivot joining a network to its parent. */
export const ZTopologyEdgeOutput = z.object({
  from: z.string(),
  to: z.string(),
  via: ZDeckyName,
})

export const ZDeployedTopologyOutput = z.object({
  /** Entry networks first, then each network after its parent. */
  networks: z.array(ZTopologyNetworkOutput).max(MAX_NETWORKS),
  nodes: z.array(ZTopologyNodeOutput).max(MAX_NODES),
  edges: z.array(ZTopologyEdgeOutput).max(MAX_NETWORKS),
  /** Attackers' latest hops through pivots (lateral movement), oldest first. */
  hops: z.array(ZLateralHopOutput).max(MAX_HOPS),
})
export type DeployedTopology = z.input<typeof ZDeployedTopologyOutput>
type TopologyNetworkOutput = z.input<typeof ZTopologyNetworkOutput>

/**
 * The topology of `deckies` (those with a stored topology view; flat-LAN deckies are left out), each
 * node in the state `shown` gives it (the fleet's shown state: `unknown` while its host is away).
 */
export function deployedTopology(
  deckies: readonly Decky[],
  shown: ReadonlyMap<string, Pick<DeckyOutput, 'state'>>,
): Omit<DeployedTopology, 'hops'> {
  const members = deckies.flatMap((decky) => (decky.topology ? [{ decky, topology: decky.topology }] : []))
  const found = new Map<string, Omit<TopologyNetworkOutput, 'parent' | 'via'>>()
  for (const { topology } of members) {
    for (const link of topology.links) {
      if (found.has(link.network)) continue
      found.set(link.network, {
        name: link.network,
        subnet: link.subnet,
        internal: link.internal,
        entry: !link.internal,
      })
    }
  }
  const pivots = members.filter(({ topology }) => topology.forwards)
  const ordered: TopologyNetworkOutput[] = [...found.values()]
    .filter((network) => network.entry)
    .map((network) => ({ ...network, parent: null, via: null }))
  const reached = new Set(ordered.map((network) => network.name))
  const edges: DeployedTopology['edges'] = []
  for (let index = 0; index < ordered.length; index++) {
    const current = ordered[index] as TopologyNetworkOutput
    for (const { decky, topology } of pivots) {
      if (!topology.links.some((link) => link.network === current.name)) continue
      for (const { network } of topology.links) {
        const next = found.get(network)
        if (!next || reached.has(network)) continue
        reached.add(network)
        ordered.push({ ...next, parent: current.name, via: decky.name })
        edges.push({ from: current.name, to: network, via: decky.name })
      }
    }
  }
  // A network no pivot leads to any more (its pivot torn down) is still drawn, on its own.
  for (const network of found.values()) {
    if (!reached.has(network.name)) ordered.push({ ...network, parent: null, via: null })
  }
  return {
    networks: ordered,
    nodes: members.map(({ decky, topology }) => ({
      name: decky.name,
      hostname: decky.hostname,
      state: shown.get(decky.name)?.state ?? decky.state,
      pivot: topology.forwards,
      links: topology.links.map((link) => ({ network: link.network, ip: link.ip })),
    })),
    edges,
  }
}

/** The fleet's topology, each decky in the state the fleet list shows. */
export async function topologyOfFleet(services: DeckyOutputServices): Promise<DeployedTopology> {
  const deckies = await services.db.fleet.list()
  const shown = await toDeckyOutputs(
    services,
    deckies.filter((decky) => decky.topology),
  )
  const hops = await lateralHops(services.db)
  return { ...deployedTopology(deckies, new Map(shown.map((decky) => [decky.name, decky]))), hops }
}
