// Which addresses hosts.enroll may connect to. Enrolling makes the API open a connection wherever the
// admin points it; without a policy it reaches services bound to this machine's loopback, the cloud
// metadata service on link-local, and answers differently for closed, filtered and open ports. So:
// loopback, link-local, unspecified, multicast/broadcast and this machine's own interface addresses
// are refused unless DECNET_ALLOW_LOCAL_ENGINE_URLS is set (tests, one-box labs); every other
// address (a LAN machine, a public one) is allowed. A name is resolved and all its addresses checked.
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import { AppError } from '../app-error.ts'
import { familyOf, ownAddresses, unmapped } from '../net/addresses.ts'

const LOCAL_RANGES = new BlockList()
LOCAL_RANGES.addSubnet('0.0.0.0', 8, 'ipv4') // "this network", unspecified
LOCAL_RANGES.addSubnet('127.0.0.0', 8, 'ipv4') // loopback
LOCAL_RANGES.addSubnet('169.254.0.0', 16, 'ipv4') // link-local (cloud metadata at 169.254.169.254)
LOCAL_RANGES.addSubnet('224.0.0.0', 4, 'ipv4') // multicast
LOCAL_RANGES.addAddress('255.255.255.255', 'ipv4') // broadcast
LOCAL_RANGES.addAddress('::', 'ipv6') // unspecified
LOCAL_RANGES.addAddress('::1', 'ipv6') // loopback
LOCAL_RANGES.addSubnet('fe80::', 10, 'ipv6') // link-local
LOCAL_RANGES.addSubnet('ff00::', 8, 'ipv6') // multicast

/** The host part of a `tcp://host:port` / `https://[v6]:port` engine URL. */
export function engineUrlHost(dockerUrl: string): string {
  const authority = dockerUrl.replace(/^[a-z]+:\/\//, '').replace(/\/$/, '')
  if (authority.startsWith('[')) return authority.slice(1, authority.indexOf(']'))
  const colon = authority.lastIndexOf(':')
  return colon > 0 ? authority.slice(0, colon) : authority
}

/** Why this address may not be an engine URL, or null when it may. */
export function localAddressReason(address: string, own = ownAddresses()): string | null {
  const plain = unmapped(address)
  if (LOCAL_RANGES.check(plain, familyOf(plain)))
    return `${plain} is a loopback, link-local or special address`
  if (own.has(plain)) return `${plain} is an address of this machine`
  return null
}

/** What the engine URL's host resolves to (the address itself when it is one). */
export type ResolveHost = (host: string) => Promise<string[]>

/** A name lookup is bounded: a resolver that hangs must not hold the request. */
const LOOKUP_MS = 2_000

const resolveHost: ResolveHost = async (host) => {
  if (isIP(host)) return [host]
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('lookup timed out')), LOOKUP_MS).unref(),
  )
  const entries = await Promise.race([lookup(host, { all: true, verbatim: true }), deadline])
  return entries.map((entry) => entry.address)
}

/**
 * Refuses an engine URL whose host is (or resolves to) a local address, unless allowed. A name that
 * does not resolve is left to the connection attempt, which fails with the uniform enroll error.
 */
export async function assertEngineAddressAllowed(
  dockerUrl: string,
  allowLocal: boolean,
  resolve: ResolveHost = resolveHost,
): Promise<void> {
  if (allowLocal) return
  const host = engineUrlHost(dockerUrl)
  const addresses = await resolve(host).catch(() => [])
  const own = ownAddresses()
  for (const address of addresses) {
    const reason = localAddressReason(address, own)
    if (reason) {
      throw new AppError(
        'invalid_input',
        `engine URLs may not point at this machine or its local networks (${reason}); ` +
          'set DECNET_ALLOW_LOCAL_ENGINE_URLS=1 to allow it',
      )
    }
  }
}
