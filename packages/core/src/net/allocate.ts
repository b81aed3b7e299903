// IP allocation for deckies: ascending through the subnet's host addresses, never handing out a
// reserved address (network, broadcast, gateway, host, explicit INI IPs, IPs the fleet holds).
import { DecnetError, quote } from '../errors.ts'
import { broadcastOf, formatIpv4, type Ipv4Network, networkContains, parseCidr, parseIpv4 } from './ipv4.ts'

export interface ResolvedNetwork {
  network: Ipv4Network
  gateway: number
  /** The Docker host's own address on the LAN, when known and inside the subnet. */
  hostIp: number | undefined
}

export interface NetworkContext {
  subnet: string
  gateway: string
  hostIp?: string | null
}

export type ResolveResult = { ok: true; network: ResolvedNetwork } | { ok: false; reason: string }

/** Validates subnet/gateway/host; a host IP outside the subnet is simply irrelevant and ignored. */
export function resolveNetwork(context: NetworkContext): ResolveResult {
  const cidr = parseCidr(context.subnet)
  if (!cidr.ok) return { ok: false, reason: `subnet: ${cidr.reason}` }
  const network = cidr.network
  const gateway = parseIpv4(context.gateway)
  if (gateway === undefined)
    return { ok: false, reason: `gateway ${quote(context.gateway)} is not a valid IPv4 address` }
  if (!networkContains(network, gateway)) {
    return { ok: false, reason: `gateway ${context.gateway} is outside the subnet ${network.cidr}` }
  }
  if (gateway === network.base || gateway === broadcastOf(network)) {
    return {
      ok: false,
      reason: `gateway ${context.gateway} is the network or broadcast address of ${network.cidr}`,
    }
  }
  let hostIp: number | undefined
  if (context.hostIp) {
    hostIp = parseIpv4(context.hostIp)
    if (hostIp === undefined)
      return { ok: false, reason: `host IP ${quote(context.hostIp)} is not a valid IPv4 address` }
    if (!networkContains(network, hostIp)) hostIp = undefined
  }
  return { ok: true, network: { network, gateway, hostIp } }
}

/** Why an explicit address may not be given to a decky, or undefined if it may. */
export function explicitIpProblem(net: ResolvedNetwork, ip: string): string | undefined {
  const value = parseIpv4(ip)
  if (value === undefined) return `${quote(ip)} is not a valid IPv4 address`
  if (!networkContains(net.network, value)) return `${ip} is outside the subnet ${net.network.cidr}`
  if (value === net.network.base) return `${ip} is the network address of ${net.network.cidr}`
  if (value === broadcastOf(net.network)) return `${ip} is the broadcast address of ${net.network.cidr}`
  if (value === net.gateway) return `${ip} is the gateway address`
  if (value === net.hostIp) return `${ip} is the host's own address`
  return undefined
}

/**
 * Lazily yields free addresses in ascending order. `reserved` holds dotted-quad strings; the
 * network, broadcast, gateway and host addresses are always skipped; `start` skips lower addresses.
 */
export function* freeAddresses(
  net: ResolvedNetwork,
  reserved: ReadonlySet<string>,
  start?: number,
): Generator<string> {
  const last = broadcastOf(net.network) - 1
  for (let value = Math.max(net.network.base + 1, start ?? 0); value <= last; value++) {
    if (value === net.gateway || value === net.hostIp) continue
    const ip = formatIpv4(value)
    if (!reserved.has(ip)) yield ip
  }
}

/**
 * `count` addresses at once (the "N deckies on this LAN" path): ascending from `start` (default:
 * the first host address), or a `conflict` error saying how many were free.
 */
export function allocateIps(
  net: ResolvedNetwork,
  count: number,
  options: { reserved?: ReadonlySet<string>; start?: string } = {},
): string[] {
  const start = options.start === undefined ? undefined : parseIpv4(options.start)
  if (options.start !== undefined && start === undefined) {
    throw new DecnetError(
      'invalid_input',
      `start address ${quote(options.start)} is not a valid IPv4 address`,
    )
  }
  const ips: string[] = []
  for (const ip of freeAddresses(net, options.reserved ?? new Set(), start)) {
    if (ips.length === count) break
    ips.push(ip)
  }
  if (ips.length < count) {
    throw new DecnetError(
      'conflict',
      `not enough free IPs in ${net.network.cidr} for ${count} deckies (found ${ips.length})`,
    )
  }
  return ips
}
