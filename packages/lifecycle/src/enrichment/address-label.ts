/**
 * Special-purpose address ranges (IANA IPv4/IPv6 special-purpose registries, RFC 6890 and
 * successors). An attacker address in one of them is labelled and never looked up: no geo/ASN
 * lookup (there is nothing to find) and no reverse DNS (a PTR query for a private address would
 * tell the resolver which internal networks exist). `null` means a public address.
 */
import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

export const ADDRESS_LABELS = [
  'loopback',
  'private',
  'link_local',
  'cgnat',
  'multicast',
  'documentation',
  'unspecified',
  'broadcast',
  'benchmarking',
  'reserved',
  'invalid',
] as const
export type AddressLabel = (typeof ADDRESS_LABELS)[number]

/** Ordered: the first matching range labels the address (the most specific ranges come first). */
const RANGES: readonly (readonly [AddressLabel, string])[] = [
  ['unspecified', '0.0.0.0/32'],
  ['broadcast', '255.255.255.255/32'],
  ['reserved', '0.0.0.0/8'], // "this network"
  ['private', '10.0.0.0/8'],
  ['cgnat', '100.64.0.0/10'],
  ['loopback', '127.0.0.0/8'],
  ['link_local', '169.254.0.0/16'],
  ['private', '172.16.0.0/12'],
  ['reserved', '192.0.0.0/24'], // IETF protocol assignments
  ['documentation', '192.0.2.0/24'], // TEST-NET-1
  ['reserved', '192.88.99.0/24'], // deprecated 6to4 relay anycast
  ['private', '192.168.0.0/16'],
  ['benchmarking', '198.18.0.0/15'],
  ['documentation', '198.51.100.0/24'], // TEST-NET-2
  ['documentation', '203.0.113.0/24'], // TEST-NET-3
  ['multicast', '224.0.0.0/4'],
  ['reserved', '240.0.0.0/4'],
  ['unspecified', '::/128'],
  ['loopback', '::1/128'],
  ['reserved', '64:ff9b:1::/48'], // local-use NAT64
  ['reserved', '100::/64'], // discard-only
  ['benchmarking', '2001:2::/48'],
  ['documentation', '2001:db8::/32'],
  ['documentation', '3fff::/20'],
  ['private', 'fc00::/7'], // unique local
  ['link_local', 'fe80::/10'],
  ['reserved', 'fec0::/10'], // deprecated site-local
  ['multicast', 'ff00::/8'],
]

const PARSED_RANGES = RANGES.map(([label, cidr]) => [label, ipaddr.parseCIDR(cidr)] as const)

/**
 * The special-purpose label of `ip`, or null for a public address. IPv4-mapped IPv6 addresses
 * (::ffff:a.b.c.d, how a dual-stack listener reports IPv4 peers) are judged as their IPv4 address;
 * a string that is no address at all is `invalid` (so it is never looked up either).
 */
export function addressLabel(ip: string): AddressLabel | null {
  const address = parseAddress(ip)
  if (!address) return 'invalid'
  for (const [label, [network, bits]] of PARSED_RANGES) {
    if (network.kind() === address.kind() && address.match(network, bits)) return label
  }
  return null
}

/** The address in its canonical form (IPv4 for IPv4-mapped IPv6), or undefined. */
export function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  // node's check is strict (no "127.1" or hex forms, which ipaddr.js would accept).
  if (isIP(ip) === 0) return undefined
  const address = ipaddr.parse(ip)
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()) return address.toIPv4Address()
  return address
}
