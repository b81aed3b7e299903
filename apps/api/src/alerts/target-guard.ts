// The SSRF guard of alert channels. A channel makes the API connect wherever an admin points it, from
// inside the network: without a guard a webhook reaches the cloud metadata service (169.254.169.254),
// services bound to loopback, the API itself, and the private LAN. So every target is checked twice:
// at save time on what is written (a literal address, the port), with a clear refusal; and at send
// time, in the worker, on every address the name resolves to then (DNS rebinding: the name may point
// elsewhere by now). The transport connects to the address that was checked, never resolves again.
//
// Always refused: link-local (169.254/16, fe80::/10), unspecified, multicast, broadcast, and the
// API's own port on this machine. Loopback and this machine's own addresses: only the targets the
// operator listed in DECNET_ALERT_ALLOWED_TARGETS. Private ranges (RFC 1918, CGNAT, ULA): only on a
// channel an admin marked allowPrivateTargets.
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import { familyOf, ownAddresses, unmapped } from '../net/addresses.ts'

const NEVER = new BlockList()
NEVER.addSubnet('0.0.0.0', 8, 'ipv4') // "this network", unspecified
NEVER.addSubnet('169.254.0.0', 16, 'ipv4') // link-local: cloud metadata
NEVER.addSubnet('224.0.0.0', 4, 'ipv4') // multicast
NEVER.addSubnet('240.0.0.0', 4, 'ipv4') // reserved, broadcast
NEVER.addAddress('::', 'ipv6')
NEVER.addSubnet('fe80::', 10, 'ipv6') // link-local
NEVER.addSubnet('ff00::', 8, 'ipv6') // multicast

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

const PRIVATE = new BlockList()
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4')
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4')
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4')
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4') // carrier-grade NAT
PRIVATE.addSubnet('fc00::', 7, 'ipv6') // unique local

/** A loopback target the operator allows (DECNET_ALERT_ALLOWED_TARGETS): a host, and a port or any. */
export type AllowedTarget = { host: string; port: number | null }

export type TargetPolicy = {
  /** The channel may reach private ranges (an admin's choice per channel). */
  allowPrivate: boolean
  /** Loopback / own-address targets allowed by the operator. */
  allowedLocal: readonly AllowedTarget[]
  /** The API's own port: never a target on this machine, whatever is allowed. */
  apiPort: number
}

/** Why a target is refused: the message is the operator's (it names the address and the rule). */
export class TargetRefused extends Error {
  override readonly name = 'TargetRefused'
}

/** `127.0.0.1`, `127.0.0.1:8080`, `[::1]:8080`, `localhost:9000`, comma-separated. */
export function parseAllowedTargets(text: string | undefined): AllowedTarget[] {
  if (!text) return []
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry)
      const plain = /^([^:]+)(?::(\d+))?$/.exec(entry)
      const match = bracketed ?? (isIP(entry) === 6 ? [entry, entry, undefined] : plain)
      if (!match?.[1])
        throw new Error(`DECNET_ALERT_ALLOWED_TARGETS: cannot read "${entry}" (host or host:port)`)
      const port = match[2] === undefined ? null : Number(match[2])
      if (port !== null && !(port >= 1 && port <= 65535)) {
        throw new Error(`DECNET_ALERT_ALLOWED_TARGETS: bad port in "${entry}"`)
      }
      return { host: match[1].toLowerCase(), port }
    })
}

function allowedLocally(policy: TargetPolicy, names: readonly string[], port: number): boolean {
  return policy.allowedLocal.some(
    (target) => names.includes(target.host) && (target.port === null || target.port === port),
  )
}

/**
 * Why `address:port` (reached as `host`) may not be a target, or null when it may. `own` is this
 * machine's interface addresses.
 */
export function refusalOf(
  address: string,
  port: number,
  host: string,
  policy: TargetPolicy,
  own: ReadonlySet<string> = ownAddresses(),
): string | null {
  const plain = unmapped(address)
  const family = familyOf(plain)
  if (NEVER.check(plain, family)) {
    return `${plain} is link-local, unspecified, multicast or reserved (cloud metadata lives at 169.254.169.254); alert targets may never be there`
  }
  const local = LOOPBACK.check(plain, family) || own.has(plain)
  if (local && port === policy.apiPort) return `${plain}:${port} is the DECNET API itself`
  if (local) {
    if (allowedLocally(policy, [host.toLowerCase(), plain], port)) return null
    return `${plain} is loopback or an address of this machine; list it in DECNET_ALERT_ALLOWED_TARGETS to allow it`
  }
  if (PRIVATE.check(plain, family) && !policy.allowPrivate) {
    return `${plain} is in a private range; allow private targets on this channel to reach it`
  }
  return null
}

/**
 * Save-time check of what the admin wrote: a literal address is judged now; a name is judged only by
 * what it obviously is (`localhost`), the rest waits for the worker's resolution.
 */
export function checkTargetAtSave(host: string, port: number, policy: TargetPolicy): void {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  const literal = isIP(bare) ? bare : bare === 'localhost' || bare.endsWith('.localhost') ? '127.0.0.1' : null
  if (!literal) return
  const reason = refusalOf(literal, port, bare, policy)
  if (reason) throw new TargetRefused(`target refused: ${reason}`)
}

export type ResolveName = (host: string) => Promise<{ address: string; family: number }[]>

const LOOKUP_MS = 2_000

const resolveName: ResolveName = async (host) => {
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`resolving ${host} timed out`)), LOOKUP_MS).unref(),
  )
  return Promise.race([lookup(host, { all: true, verbatim: true }), deadline])
}

/** An address the transport may connect to, checked. */
export type CheckedAddress = { address: string; family: 4 | 6 }

/**
 * Send-time check: resolves `host` now and refuses when ANY address it has is refused (a name that
 * mixes a public and a metadata address is a rebinding attempt). Returns the first address, which the
 * transport connects to.
 */
export async function resolveTarget(
  host: string,
  port: number,
  policy: TargetPolicy,
  resolve: ResolveName = resolveName,
): Promise<CheckedAddress> {
  const bare = host.replace(/^\[|\]$/g, '')
  const entries = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await resolve(bare)
  if (entries.length === 0) throw new TargetRefused(`${bare} does not resolve`)
  const own = ownAddresses()
  for (const entry of entries) {
    const reason = refusalOf(entry.address, port, bare, policy, own)
    if (reason) throw new TargetRefused(`target refused: ${reason}`)
  }
  const first = entries[0] as { address: string; family: number }
  return { address: first.address, family: first.family === 6 ? 6 : 4 }
}
