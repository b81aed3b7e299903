// Address lists an operator writes in the environment (DECNET_TRUSTED_PROXIES, DECNET_METRICS_ALLOW):
// comma-separated IPs, CIDRs or proxy-addr's keywords, `none` for an empty list.
import proxyaddr from 'proxy-addr'

/** Keywords proxy-addr expands, besides plain IPs and CIDRs. */
const KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** The entries of `raw` (default `loopback`); throws naming `setting` on an unparsable entry. */
export function parseAddressList(setting: string, raw: string | undefined): string[] {
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
      throw new Error(`${setting}: "${entry}" is not an IP address, a CIDR range or loopback`)
    }
  }
  return entries
}
