// Where each decky of a topology sits: one address per network it joins, and its way out. A decky on
// an inner network has its default route through the pivot that leads towards the entry network (so
// return traffic of a forwarded session finds its way back, and `ip route` shows a real gateway);
// pivots forward between their own networks and nowhere else. Nothing routes deeper on its own: an
// intruder finds the next network from the pivot, not from a route handed to every host.
import { type DeckyTopology, MAX_TOPOLOGY_NEIGHBOURS } from '../schemas/decky-topology.ts'
import type { Topology, TopologyNetwork } from './graph.ts'

export interface PlannedLink {
  network: string
  ip: string
}

export interface PlannedTopologyDecky {
  /** Its address on each network, in its `networks =` order (the first is its primary `ip`). */
  links: PlannedLink[]
  /** Its default gateway when none of its networks is the entry network: the upstream pivot's address. */
  gateway: string | null
  /** Whether it forwards between its networks (a pivot). */
  forwards: boolean
}

export interface PlannedTopology {
  networks: TopologyNetwork[]
  deckies: Record<string, PlannedTopologyDecky>
}

/**
 * Links a topology's deckies. `addressOn(decky, network)` hands out an address on that network (the
 * planner's pool, which already honours explicit IPs and the fleet's reserved addresses); `primary`
 * holds each decky's planned address on its first network.
 */
export function planTopologyLinks(
  topology: Topology,
  primary: ReadonlyMap<string, string>,
  addressOn: (decky: string, network: string) => string,
): PlannedTopology {
  const deckies: Record<string, PlannedTopologyDecky> = {}
  for (const [name, networks] of Object.entries(topology.attachments)) {
    const links = networks.map((network, index) => ({
      network,
      ip: index === 0 ? (primary.get(name) ?? addressOn(name, network)) : addressOn(name, network),
    }))
    deckies[name] = { links, gateway: null, forwards: links.length >= 2 }
  }
  const byName = new Map(topology.networks.map((network) => [network.name, network]))
  const depth = (name: string): number => {
    let hops = 0
    for (let network = byName.get(name); network?.parent; network = byName.get(network.parent)) hops++
    return hops
  }
  for (const planned of Object.values(deckies)) {
    // Its network nearest the entry; inner networks have a parent and the pivot leading to it.
    const upward = [...planned.links].sort((a, b) => depth(a.network) - depth(b.network))[0]
    const network = upward && byName.get(upward.network)
    if (!network?.via) continue
    planned.gateway = deckies[network.via]?.links.find((link) => link.network === network.name)?.ip ?? null
  }
  return { networks: topology.networks, deckies }
}

/**
 * What each planned decky knows of its topology (its links with their networks' facts, its way out,
 * and the deckies sharing its networks), the shape its engine stores and hands its decoy.
 */
export function deckyTopologies(
  topology: PlannedTopology,
  hostnames: ReadonlyMap<string, string>,
): Map<string, DeckyTopology> {
  const networks = new Map(topology.networks.map((network) => [network.name, network]))
  const members = new Map<string, { name: string; ip: string; pivot: boolean }[]>()
  for (const [name, decky] of Object.entries(topology.deckies)) {
    for (const link of decky.links) {
      const list = members.get(link.network) ?? []
      list.push({ name, ip: link.ip, pivot: decky.forwards })
      members.set(link.network, list)
    }
  }
  const views = new Map<string, DeckyTopology>()
  for (const [name, decky] of Object.entries(topology.deckies)) {
    const links = decky.links.map((link) => {
      const network = networks.get(link.network)
      if (!network) throw new Error(`topology network ${link.network} was validated before`)
      return {
        network: link.network,
        ip: link.ip,
        subnet: network.subnet,
        networkGateway: network.gateway,
        internal: !network.entry,
      }
    })
    const neighbours = decky.links.flatMap((link) =>
      (members.get(link.network) ?? [])
        .filter((member) => member.name !== name)
        .map((member) => ({
          name: member.name,
          hostname: hostnames.get(member.name) ?? member.name,
          ip: member.ip,
          network: link.network,
          pivot: member.pivot,
        })),
    )
    views.set(name, {
      links,
      gateway: decky.gateway,
      forwards: decky.forwards,
      neighbours: neighbours.slice(0, MAX_TOPOLOGY_NEIGHBOURS),
    })
  }
  return views
}
