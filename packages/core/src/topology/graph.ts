// The topology's graph rules. Networks and pivots (deckies on two or more networks) form a tree rooted
// at the one entry network: every inner network is reached through exactly one pivot, so routes are
// never ambiguous and an intruder finds each network behind the host that leads there. Each rule
// fails with the line to fix.
import { type IniLocation, iniError, quote } from '../errors.ts'
import { type Ipv4Network, networksOverlap, parseCidr } from '../net/ipv4.ts'
import type { NetworkDriver } from '../schemas/hosts.ts'
import type { IniNetwork } from './ini.ts'

/** What the graph rules read of a decky. */
export interface TopologyMember {
  name: string
  section: string
  line: number
  /** Its `networks =` list; null when absent (the decky joins the entry network). */
  networks: readonly string[] | null
  /** Where `networks =` was set. */
  networksLine: number | null
}

export interface TopologyNetwork {
  name: string
  subnet: string
  gateway: string
  driver: NetworkDriver
  entry: boolean
  /** The network one hop closer to the entry network; null for the entry network. */
  parent: string | null
  /** The pivot decky linking it to its parent; null for the entry network. */
  via: string | null
  /** Its section's line. */
  line: number
}

export interface Topology {
  /** The entry network first, then breadth-first from it (parents before children). */
  networks: TopologyNetwork[]
  /** Each decky's networks, in its `networks =` order (the first holds its `ip =`). */
  attachments: Record<string, string[]>
}

function cidrOf(subnet: string): Ipv4Network {
  const parsed = parseCidr(subnet)
  if (!parsed.ok) throw new Error(`topology subnet ${subnet} was validated before`)
  return parsed.network
}

/** The first network of `others` whose subnet overlaps `subnet`. */
export function overlappingNetwork<T extends { subnet: string }>(
  subnet: string,
  others: readonly T[],
): T | undefined {
  const network = cidrOf(subnet)
  return others.find((other) => networksOverlap(network, cidrOf(other.subnet)))
}

function networksAt(member: TopologyMember): IniLocation {
  return member.networksLine === null
    ? { line: member.line, section: member.section }
    : { line: member.networksLine, section: member.section, key: 'networks' }
}

function checkEntry(networks: readonly IniNetwork[]): IniNetwork {
  const entries = networks.filter((network) => network.entry)
  const first = entries[0]
  const firstNetwork = networks[0] as IniNetwork
  if (!first) {
    throw iniError(
      { line: firstNetwork.line, section: `network.${firstNetwork.name}` },
      'no network is marked entry = true: exactly one network is the entry LAN intruders reach first',
    )
  }
  const second = entries[1]
  if (second) {
    throw iniError(
      second.at.entry ?? { line: second.line },
      `network ${quote(first.name)} (line ${first.line}) is already the entry network; a topology has exactly one`,
    )
  }
  return first
}

function checkOverlaps(networks: readonly IniNetwork[]): void {
  networks.forEach((network, index) => {
    const earlier = overlappingNetwork(network.subnet, networks.slice(0, index))
    if (earlier) {
      throw iniError(
        network.at.subnet,
        `subnet ${network.subnet} overlaps network ${quote(earlier.name)} (${earlier.subnet}, line ${earlier.line})`,
      )
    }
  })
}

/** Union-find over networks and pivots: joining two already-joined nodes closes a loop. */
class Components {
  private readonly parent = new Map<string, string>()

  find(node: string): string {
    let root = node
    for (let up = this.parent.get(root); up !== undefined && up !== root; up = this.parent.get(root))
      root = up
    return root
  }

  /** False when the two were already connected. */
  join(a: string, b: string): boolean {
    const rootA = this.find(a)
    const rootB = this.find(b)
    if (rootA === rootB) return false
    this.parent.set(rootA, rootB)
    return true
  }
}

function checkLoops(pivots: readonly TopologyMember[]): void {
  const components = new Components()
  for (const pivot of pivots) {
    for (const network of pivot.networks ?? []) {
      if (!components.join(`decky:${pivot.name}`, `network:${network}`)) {
        throw iniError(
          networksAt(pivot),
          `decky ${quote(pivot.name)} closes a loop: network ${quote(network)} is already linked to its other networks through another pivot; each inner network sits behind exactly one pivot`,
        )
      }
    }
  }
}

/**
 * Validates a topology and orders it from the entry network outwards. Deckies without `networks =`
 * join the entry network. Throws `invalid_ini` naming the line at fault.
 */
export function checkTopology(networks: readonly IniNetwork[], members: readonly TopologyMember[]): Topology {
  const entry = checkEntry(networks)
  checkOverlaps(networks)
  const byName = new Map(networks.map((network) => [network.name, network]))
  const attachments: Record<string, string[]> = {}
  for (const member of members) {
    const dangling = member.networks?.find((name) => !byName.has(name))
    if (dangling !== undefined) {
      throw iniError(
        networksAt(member),
        `no [network.${dangling}] section declares network ${quote(dangling)}`,
      )
    }
    attachments[member.name] = member.networks ? [...member.networks] : [entry.name]
  }
  const pivots = members.filter((member) => (member.networks?.length ?? 0) >= 2)
  checkLoops(pivots)

  // Breadth-first from the entry network across pivots; in a tree each network is reached once.
  const ordered: TopologyNetwork[] = [{ ...pick(entry), parent: null, via: null }]
  const reached = new Set([entry.name])
  for (let index = 0; index < ordered.length; index++) {
    const current = ordered[index] as TopologyNetwork
    for (const pivot of pivots) {
      const links = pivot.networks ?? []
      if (!links.includes(current.name)) continue
      for (const name of links) {
        if (reached.has(name)) continue
        reached.add(name)
        ordered.push({ ...pick(byName.get(name) as IniNetwork), parent: current.name, via: pivot.name })
      }
    }
  }
  for (const network of networks) {
    if (reached.has(network.name)) continue
    const stranded = pivots.find((pivot) => pivot.networks?.includes(network.name))
    if (stranded) {
      throw iniError(
        networksAt(stranded),
        `pivot ${quote(stranded.name)} has no route to the entry network ${quote(entry.name)}: none of ${stranded.networks?.join(', ')} is reached from it`,
      )
    }
    throw iniError(
      { line: network.line, section: `network.${network.name}` },
      `network ${quote(network.name)} is unreachable: no pivot (a decky with networks = ${entry.name}, ${network.name} or similar) links it to the entry network ${quote(entry.name)}`,
    )
  }
  return { networks: ordered, attachments }
}

function pick(network: IniNetwork): Omit<TopologyNetwork, 'parent' | 'via'> {
  return {
    name: network.name,
    subnet: network.subnet,
    gateway: network.gateway,
    driver: network.driver,
    entry: network.entry,
    line: network.line,
  }
}
