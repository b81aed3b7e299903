import type { IncomingMessage } from 'node:http'
import proxyaddr from 'proxy-addr'

/** Decides, per hop, whether an address is a proxy of ours whose X-Forwarded-For may be believed. */
export type ProxyTrust = (address: string, hop: number) => boolean

/** Keywords proxy-addr expands, besides plain IPs and CIDRs. */
const KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal'])

/**
 * DECNET_TRUSTED_PROXIES: comma-separated IPs, CIDRs or proxy-addr's keywords (`loopback`, where
 * the console proxy runs, is the default); `none` trusts no proxy. Throws on an unparsable entry.
 */
export function parseTrustedProxies(raw: string | undefined): string[] {
  const value = raw?.trim() || 'loopback'
  if (value === 'none') return []
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  for (const entry of entries) {
    if (KEYWORDS.has(entry)) continue
    try {
      proxyaddr.compile(entry)
    } catch {
      throw new Error(`DECNET_TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range or loopback`)
    }
  }
  return entries
}

export function compileProxyTrust(trusted: string[]): ProxyTrust {
  return proxyaddr.compile(trusted)
}

/**
 * The caller's address: the TCP peer, unless the peer is a trusted proxy, in which case
 * X-Forwarded-For is walked from the right past every trusted hop. A forwarding header from any
 * other peer is ignored, so a client cannot pick its own rate-limit key.
 */
export function clientIpOf(req: IncomingMessage, trust: ProxyTrust): string {
  const address = proxyaddr(req, trust) as string | undefined
  return (address ?? 'unknown').replace(/^::ffff:/, '')
}
