import type { IncomingMessage } from 'node:http'
import proxyaddr from 'proxy-addr'
import { parseAddressList } from './address-list.ts'

/** Decides, per hop, whether an address is a proxy of ours whose X-Forwarded-For may be believed. */
export type ProxyTrust = (address: string, hop: number) => boolean

/**
 * DECNET_TRUSTED_PROXIES: comma-separated IPs, CIDRs or proxy-addr's keywords (`loopback`, where
 * the console proxy runs, is the default); `none` trusts no proxy. Throws on an unparsable entry.
 */
export function parseTrustedProxies(raw: string | undefined): string[] {
  return parseAddressList('DECNET_TRUSTED_PROXIES', raw)
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
