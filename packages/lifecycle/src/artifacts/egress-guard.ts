import { BlockList, isIP } from 'node:net'
import { networkInterfaces } from 'node:os'

/**
 * Where the fetcher may connect. Never: DECNET's own addresses (every address of this machine's
 * interfaces, so the API, the console and the decky LAN's gateway side), loopback, link-local
 * (cloud metadata lives at 169.254.169.254), multicast, broadcast, unspecified. Checked on the
 * address actually connected to (after DNS), so a name resolving there is refused too.
 */
const SPECIAL = new BlockList()
SPECIAL.addSubnet('0.0.0.0', 8, 'ipv4')
SPECIAL.addSubnet('127.0.0.0', 8, 'ipv4')
SPECIAL.addSubnet('169.254.0.0', 16, 'ipv4')
SPECIAL.addSubnet('224.0.0.0', 4, 'ipv4')
SPECIAL.addSubnet('240.0.0.0', 4, 'ipv4')
SPECIAL.addAddress('::', 'ipv6')
SPECIAL.addAddress('::1', 'ipv6')
SPECIAL.addSubnet('fe80::', 10, 'ipv6')
SPECIAL.addSubnet('ff00::', 8, 'ipv6')

export type EgressGuard = (address: string) => boolean

/** The plain form of an address (an IPv4-mapped IPv6 address is judged as the IPv4 it carries). */
function plain(address: string): string {
  const stripped = address.replace(/^\[|\]$/g, '')
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(stripped)?.[1] ?? stripped
}

/** This machine's own addresses, read at each call (interfaces come and go, e.g. a new decky LAN). */
export function ownAddresses(): Set<string> {
  const own = new Set<string>()
  for (const list of Object.values(networkInterfaces()))
    for (const entry of list ?? []) own.add(plain(entry.address).toLowerCase())
  return own
}

/**
 * `forbidden(address)`: true when the fetcher must not connect there. `allow` lists exact addresses
 * let through anyway (tests serving from this machine; never set in production).
 */
export function egressGuard(options: { allow?: readonly string[] } = {}): EgressGuard {
  const allow = new Set((options.allow ?? []).map((address) => plain(address).toLowerCase()))
  return (address) => {
    const ip = plain(address).toLowerCase()
    if (allow.has(ip)) return false
    const family = isIP(ip)
    if (family === 0) return true
    if (SPECIAL.check(ip, family === 4 ? 'ipv4' : 'ipv6')) return true
    return ownAddresses().has(ip)
  }
}
