// What operators send about incidents: notes on acknowledge/resolve and new ignore rules, validated
// strictly so a rule always means what its author thinks (the console and CLI show these messages).
import { z } from 'zod'
import { isServiceSlug } from '../catalog/services.ts'
import { formatIpv4, parseIpv4 } from '../net/ipv4.ts'
import { formatIpv6, ipv6NetworkOf, parseIpv6 } from '../net/ipv6.ts'
import { DECKY_NAME_RE } from './common.ts'
import { type IgnoreRuleKind, ZIgnoreRuleKind } from './incidents.ts'

/** An operator's note on an incident (acknowledge, resolve), in characters. */
export const INCIDENT_NOTE_MAX = 2000
export const ZIncidentNote = z
  .string()
  .max(INCIDENT_NOTE_MAX, `a note has at most ${INCIDENT_NOTE_MAX} characters`)

/** Why an ignore rule exists, in characters. */
export const IGNORE_RULE_NOTE_MAX = 500

/** The widest source networks a rule may silence: anything wider hides most of the internet. */
export const IGNORE_CIDR_MIN_PREFIX = { ipv4: 8, ipv6: 16 } as const

/**
 * A source network of an ignore rule: IPv4 "a.b.c.d/n" (n in /8../32) or IPv6 "x:x::/n" (lower case,
 * n in /16../128), without host bits (a typo like 10.0.0.5/8 is refused, not silently widened). One
 * address is its /32 or /128.
 */
export function ignoreCidrProblem(text: string): string | null {
  const match = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(text)
  if (!match) {
    return `"${text}" is not a CIDR such as 198.51.100.0/24 or 2001:db8::/32 (one address: 198.51.100.7/32)`
  }
  const addressText = match[1] as string
  const prefix = Number(match[2])
  if (addressText.includes(':')) {
    const address = parseIpv6(addressText)
    if (address === undefined) return `"${addressText}" is not a valid IPv6 address (lower-case hex)`
    if (prefix < IGNORE_CIDR_MIN_PREFIX.ipv6 || prefix > 128) {
      return `prefix /${prefix} must be between /${IGNORE_CIDR_MIN_PREFIX.ipv6} and /128`
    }
    const base = ipv6NetworkOf(address, prefix)
    if (base !== address) return `"${text}" has host bits set (did you mean ${formatIpv6(base)}/${prefix}?)`
    return null
  }
  const address = parseIpv4(addressText)
  if (address === undefined) return `"${addressText}" is not a valid IPv4 address`
  if (prefix < IGNORE_CIDR_MIN_PREFIX.ipv4 || prefix > 32) {
    return `prefix /${prefix} must be between /${IGNORE_CIDR_MIN_PREFIX.ipv4} and /32`
  }
  const mask = (0xffffffff << (32 - prefix)) >>> 0
  const base = (address & mask) >>> 0
  if (base !== address) {
    return `"${text}" has host bits set (did you mean ${formatIpv4(base)}/${prefix}?)`
  }
  return null
}

/** A scanner's name as rules name it (lower case, e.g. masscan, zgrab, nmap). */
export const SCANNER_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,31}$/

/** Why `value` is not a valid rule of `kind`, or null when it is. */
export function ignoreRuleValueProblem(kind: IgnoreRuleKind, value: string): string | null {
  switch (kind) {
    case 'cidr':
      return ignoreCidrProblem(value)
    case 'service':
      return isServiceSlug(value)
        ? null
        : `"${value}" is not a service of the catalogue (see catalog.services)`
    case 'decky':
      return DECKY_NAME_RE.test(value) ? null : `"${value}" is not a decky name (${DECKY_NAME_RE.source})`
    case 'scanner':
      return SCANNER_NAME_RE.test(value)
        ? null
        : `"${value}" is not a scanner name (${SCANNER_NAME_RE.source})`
  }
}

/** A new ignore rule's shape; its value is checked against its kind by `ignoreRuleValueProblem`. */
export const ZIgnoreRuleRequest = z
  .object({
    kind: ZIgnoreRuleKind,
    value: z.string().min(1).max(64),
    note: z.string().max(IGNORE_RULE_NOTE_MAX).optional(),
  })
  .strict()
export type IgnoreRuleRequest = z.infer<typeof ZIgnoreRuleRequest>
