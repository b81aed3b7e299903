// Topology INI: `[network.<name>]` sections (subnet, gateway, driver, entry) and a decky's
// `networks = a, b`. This module reads one network section and one `networks` list; the graph rules
// (one entry network, no overlaps, everything reachable through pivots, no loops) are in graph.ts.
import { type IniLocation, iniError, quote } from '../errors.ts'
import type { IniSection } from '../ini/reader.ts'
import { resolveNetwork } from '../net/allocate.ts'
import { formatIpv4, parseCidr } from '../net/ipv4.ts'
import { NETWORK_DRIVERS, type NetworkDriver } from '../schemas/hosts.ts'

/** The section prefix of a topology network: `[network.office]`. */
export const NETWORK_SECTION_PREFIX = 'network.'
/**
 * Networks one INI may declare. Each becomes an engine network (a bridge and its firewall rules on
 * Docker), so a topology stays small; a thousand-network INI is refused at the first one too many.
 */
export const MAX_TOPOLOGY_NETWORKS = 32
/** Network names: short, since the engine prefixes them, and DNS-label shaped. */
export const NETWORK_NAME_RE = /^[a-z][a-z0-9-]{0,23}$/

export const NETWORK_KEYS = ['subnet', 'gateway', 'driver', 'entry'] as const

export interface IniNetwork {
  name: string
  /** The section's line. */
  line: number
  /** Canonical CIDR. */
  subnet: string
  gateway: string
  driver: NetworkDriver
  /** The one network reachable from outside; every other one is internal, reached through pivots. */
  entry: boolean
  /** Where each key was set, for errors found later (overlaps, the entry rule). */
  at: { subnet: IniLocation; entry: IniLocation | undefined; driver: IniLocation | undefined }
}

/** The network a `[network.<name>]` section names, or undefined for any other section. */
export function networkSectionName(sectionName: string): string | undefined {
  return sectionName.startsWith(NETWORK_SECTION_PREFIX)
    ? sectionName.slice(NETWORK_SECTION_PREFIX.length)
    : undefined
}

function parseEntry(value: string, at: IniLocation): boolean {
  const text = value.toLowerCase()
  if (text === 'true' || text === 'yes' || text === '1') return true
  if (text === 'false' || text === 'no' || text === '0') return false
  throw iniError(at, `entry must be true or false, got ${quote(value)}`)
}

/** A key's value and where it was set (what the fleet reader's key collector returns). */
export interface LocatedValue {
  value: string
  at: IniLocation
}

/**
 * Reads one `[network.<name>]` section from its collected keys (known, non-empty, set once);
 * `count` is how many network sections came before it.
 */
export function parseNetworkSection(
  section: IniSection,
  name: string,
  count: number,
  values: ReadonlyMap<string, LocatedValue>,
): IniNetwork {
  const where = { line: section.line, section: section.name }
  if (count >= MAX_TOPOLOGY_NETWORKS) {
    throw iniError(where, `the INI declares more than ${MAX_TOPOLOGY_NETWORKS} networks`)
  }
  if (!NETWORK_NAME_RE.test(name)) {
    throw iniError(where, `invalid network name: names must match ${NETWORK_NAME_RE.source}`)
  }
  const subnetKey = values.get('subnet')
  if (!subnetKey) throw iniError(where, 'a network needs subnet = <CIDR>')
  const cidr = parseCidr(subnetKey.value)
  if (!cidr.ok) throw iniError(subnetKey.at, cidr.reason)
  const gatewayKey = values.get('gateway')
  // The first host address by default, as Docker's own IPAM would choose.
  const gateway = gatewayKey?.value ?? formatIpv4(cidr.network.base + 1)
  const resolved = resolveNetwork({ subnet: cidr.network.cidr, gateway })
  if (!resolved.ok) throw iniError(gatewayKey?.at ?? subnetKey.at, resolved.reason)
  const entryKey = values.get('entry')
  const entry = entryKey ? parseEntry(entryKey.value, entryKey.at) : false
  const driverKey = values.get('driver')
  const driver = (driverKey?.value ?? 'bridge') as NetworkDriver
  if (!NETWORK_DRIVERS.includes(driver)) {
    throw iniError(driverKey?.at ?? where, `${quote(driver)} is not one of ${NETWORK_DRIVERS.join(', ')}`)
  }
  if (!entry && driver !== 'bridge') {
    throw iniError(
      driverKey?.at ?? where,
      `an inner network is an internal bridge reached only through pivots; driver ${driver} is for the entry network`,
    )
  }
  return {
    name,
    line: section.line,
    subnet: cidr.network.cidr,
    gateway,
    driver,
    entry,
    at: { subnet: subnetKey.at, entry: entryKey?.at, driver: driverKey?.at },
  }
}

/** Reads a decky's `networks = a, b`: names, none empty, none twice (a decky cannot loop to itself). */
export function parseNetworkList(value: string, at: IniLocation): string[] {
  const names = value.split(',').map((item) => item.trim())
  if (names.some((name) => name === '')) throw iniError(at, `empty item in networks list ${quote(value)}`)
  const twice = names.find((name, index) => names.indexOf(name) !== index)
  if (twice !== undefined) {
    throw iniError(at, `network ${quote(twice)} is listed twice (a decky cannot link a network to itself)`)
  }
  if (names.length > MAX_TOPOLOGY_NETWORKS) {
    throw iniError(at, `a decky may join at most ${MAX_TOPOLOGY_NETWORKS} networks`)
  }
  return names
}
