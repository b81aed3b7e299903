import type { DeckyTopology, DeckyTopologyNeighbour } from '@decnet/core/schemas'
import type { ShellHost } from './persona.ts'

/**
 * The decky's network as its tools show it: interfaces, default route and the neighbour (ARP) table.
 * A flat decky has one interface on a /24 with the gateway on `.1`; a topology decky has one
 * interface per link (eth0, eth1, … in `networks =` order), its default route through the upstream
 * pivot or the entry network's gateway, and some of its neighbours in the ARP table. Every value is
 * drawn from the persona's stream, so the same decky shows the same network every time.
 */
export type HostInterface = {
  dev: string
  ip: string
  prefix: number
  mac: string
}

export type HostNeighbour = { ip: string; mac: string; dev: string; state: 'REACHABLE' | 'STALE' }

export type HostNetwork = {
  interfaces: HostInterface[]
  defaultRoute: { via: string; dev: string }
  /** The ARP table: the default gateway first. */
  neighbours: HostNeighbour[]
}

/** The most neighbours (beyond the gateway) an ARP table shows: a busy LAN keeps only recent peers. */
const MAX_ARP_NEIGHBOURS = 8

export function hostNetwork(host: ShellHost): HostNetwork {
  const topology = host.topology
  if (!topology) {
    const via = host.ip.replace(/\.\d+$/, '.1')
    return {
      interfaces: [{ dev: 'eth0', ip: host.ip, prefix: 24, mac: host.mac }],
      defaultRoute: { via, dev: 'eth0' },
      neighbours: [{ ip: via, mac: gatewayMac(host), dev: 'eth0', state: 'REACHABLE' }],
    }
  }
  const interfaces = topology.links.map((link, index) => ({
    dev: `eth${index}`,
    ip: link.ip,
    prefix: Number(link.subnet.split('/')[1]),
    // eth0 carries the decky's own MAC; further ports of the same NIC follow its vendor prefix.
    mac:
      index === 0
        ? host.mac
        : `${host.mac.slice(0, 8)}:${colons(host.random.fork(`mac/eth${index}`).hex(6))}`,
  }))
  const entry = topology.links.find((link) => !link.internal) ?? topology.links[0]
  const via = topology.gateway ?? entry?.networkGateway ?? host.ip
  const devOf = (ip: string) =>
    interfaces.find((candidate) => inSubnet(ip, candidate.ip, candidate.prefix))?.dev ?? 'eth0'
  const random = host.random.fork('arp')
  const known = topology.neighbours.filter((neighbour) => devOfNetwork(topology, neighbour) !== undefined)
  // Pivots are where the admins hop through: they are always in the cache.
  const pivots = known.filter((neighbour) => neighbour.pivot)
  const others = random.sample(
    known.filter((neighbour) => !neighbour.pivot),
    Math.max(0, MAX_ARP_NEIGHBOURS - pivots.length),
  )
  const seen = new Set([via])
  const neighbours: HostNeighbour[] = [
    { ip: via, mac: gatewayMac(host), dev: devOf(via), state: 'REACHABLE' },
  ]
  for (const neighbour of [...pivots.slice(0, MAX_ARP_NEIGHBOURS), ...others]) {
    if (seen.has(neighbour.ip)) continue
    seen.add(neighbour.ip)
    const stream = host.random.fork(`neighbour/${neighbour.ip}`)
    neighbours.push({
      ip: neighbour.ip,
      mac: `52:54:00:${colons(stream.hex(6))}`,
      dev: `eth${devOfNetwork(topology, neighbour)}`,
      state: stream.next() < 0.6 ? 'REACHABLE' : 'STALE',
    })
  }
  return { interfaces, defaultRoute: { via, dev: devOf(via) }, neighbours }
}

/** The neighbours on the decky's inner networks: the hosts a pivot's admins reach through it. */
export function innerNeighbours(topology: DeckyTopology): DeckyTopologyNeighbour[] {
  const inner = new Set(topology.links.filter((link) => link.internal).map((link) => link.network))
  // A pivot between two non-internal networks: everything past its first (primary) network is inner.
  if (inner.size === 0) for (const link of topology.links.slice(1)) inner.add(link.network)
  return topology.neighbours.filter((neighbour) => inner.has(neighbour.network))
}

/**
 * The neighbour `destination` names on one of the decky's networks: its address, its host name
 * (as /etc/hosts lists it, any case) or its decky name.
 */
export function findNeighbour(
  topology: DeckyTopology,
  destination: string,
): DeckyTopologyNeighbour | undefined {
  const wanted = destination.trim().toLowerCase()
  const networks = new Set(topology.links.map((link) => link.network))
  return topology.neighbours.find(
    (candidate) =>
      networks.has(candidate.network) &&
      (candidate.ip === wanted || candidate.hostname.toLowerCase() === wanted || candidate.name === wanted),
  )
}

/** The link index of the network a neighbour sits on, if it is one of the decky's. */
function devOfNetwork(topology: DeckyTopology, neighbour: DeckyTopologyNeighbour): number | undefined {
  const index = topology.links.findIndex((link) => link.network === neighbour.network)
  return index < 0 ? undefined : index
}

function gatewayMac(host: ShellHost): string {
  return `52:54:00:${colons(host.random.fork('gateway').hex(6))}`
}

const colons = (hex: string) => hex.replace(/(..)(?!$)/g, '$1:')

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((value, octet) => value * 256 + Number(octet), 0)
}

export function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')
}

const maskOf = (prefix: number) => (prefix === 0 ? 0 : 2 ** 32 - 2 ** (32 - prefix))

export function netmask(prefix: number): string {
  return intToIpv4(maskOf(prefix))
}

/** The network address of `ip`/`prefix`. */
export function networkAddress(ip: string, prefix: number): string {
  return intToIpv4(ipv4ToInt(ip) - (ipv4ToInt(ip) % 2 ** (32 - prefix)))
}

export function broadcastAddress(ip: string, prefix: number): string {
  return intToIpv4(ipv4ToInt(networkAddress(ip, prefix)) + 2 ** (32 - prefix) - 1)
}

export function inSubnet(ip: string, address: string, prefix: number): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(ip) && networkAddress(ip, prefix) === networkAddress(address, prefix)
}
