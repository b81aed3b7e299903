// Address facts shared by every policy that decides where the API may open a connection
// (engine URLs at enrolment, alert targets): this machine's own addresses and mapped-v4 handling.
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'

/** Every address of this machine's interfaces, read when the check runs (interfaces change). */
export function ownAddresses(): Set<string> {
  const own = new Set<string>()
  for (const list of Object.values(networkInterfaces()))
    for (const entry of list ?? []) own.add(entry.address)
  return own
}

/** An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is checked as the IPv4 address it is. */
export function unmapped(address: string): string {
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address
}

export function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4'
}
