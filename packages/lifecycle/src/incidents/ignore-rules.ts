// Ignore rules: which events never become (or feed) an incident. CIDRs are matched with ipaddr.js
// (IPv4, IPv6, and IPv4-mapped IPv6 sources against IPv4 ranges).
import type { IgnoreRuleKind } from '@decnet/core'
import ipaddr from 'ipaddr.js'

/** What a rule is checked against. */
export type IgnorableEvent = {
  attackerIp: string
  service: string
  decky: string
  rawLine: string
  fields: Record<string, unknown>
}

export type IgnoreRuleLike = { kind: IgnoreRuleKind; value: string }

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number]

/** A rule's value checked for its kind: null when acceptable, else why not (for the API's error). */
export function ignoreRuleProblem(rule: IgnoreRuleLike): string | null {
  const value = rule.value.trim()
  if (value === '') return 'an ignore rule needs a value'
  if (value.length > 200) return 'an ignore rule value is at most 200 characters'
  if (rule.kind === 'cidr') {
    try {
      parseCidr(value)
    } catch {
      return `"${value}" is not a CIDR such as 192.0.2.0/24 or 2001:db8::/32`
    }
  }
  return null
}

/** A CIDR, or a single address as its /32 or /128. Throws on anything else. */
function parseCidr(value: string): Cidr {
  if (value.includes('/')) return ipaddr.parseCIDR(value)
  const address = ipaddr.parse(value)
  return [address, address.kind() === 'ipv4' ? 32 : 128]
}

function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!ipaddr.isValid(ip)) return undefined
  const address = ipaddr.parse(ip)
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address
}

// Where a scanner names itself: user agents, client banners, and the raw line as captured.
const SCANNER_FIELDS = ['user_agent', 'userAgent', 'client_version', 'client', 'banner', 'scanner']

/** Compiles rules once per batch; `match` says which rule (if any) suppresses an event. */
export function compileIgnoreRules(rules: readonly IgnoreRuleLike[]) {
  const cidrs: { rule: IgnoreRuleLike; cidr: Cidr }[] = []
  const services = new Map<string, IgnoreRuleLike>()
  const deckies = new Map<string, IgnoreRuleLike>()
  const scanners: { rule: IgnoreRuleLike; name: string }[] = []
  for (const rule of rules) {
    const value = rule.value.trim()
    if (rule.kind === 'cidr') {
      // A rule stored before validation existed, or edited by hand, is skipped rather than fatal.
      if (ignoreRuleProblem(rule) === null) cidrs.push({ rule, cidr: parseCidr(value) })
    } else if (rule.kind === 'service') services.set(value.toLowerCase(), rule)
    else if (rule.kind === 'decky') deckies.set(value, rule)
    else scanners.push({ rule, name: value.toLowerCase() })
  }
  return {
    match(event: IgnorableEvent): IgnoreRuleLike | undefined {
      const byService = services.get(event.service.toLowerCase())
      if (byService) return byService
      const byDecky = deckies.get(event.decky)
      if (byDecky) return byDecky
      if (cidrs.length > 0) {
        const address = parseAddress(event.attackerIp)
        if (address) {
          for (const { rule, cidr } of cidrs) {
            if (address.kind() === cidr[0].kind() && address.match(cidr)) return rule
          }
        }
      }
      if (scanners.length > 0) {
        const texts = [event.rawLine, ...SCANNER_FIELDS.map((field) => event.fields[field])]
          .filter((text): text is string => typeof text === 'string')
          .map((text) => text.toLowerCase())
        for (const { rule, name } of scanners) {
          if (texts.some((text) => text.includes(name))) return rule
        }
      }
      return undefined
    },
  }
}
