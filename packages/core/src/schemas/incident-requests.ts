// What operators send about incidents: notes on acknowledge/resolve and new ignore rules, validated
// strictly so a rule always means what its author thinks (the console and CLI show these messages).
import { z } from 'zod'
import { isServiceSlug } from '../catalog/services.ts'
import { formatIpv4, parseIpv4 } from '../net/ipv4.ts'
import { DECKY_NAME_RE } from './common.ts'
import { type IgnoreRuleKind, ZIgnoreRuleKind } from './incidents.ts'

/** An operator's note on an incident (acknowledge, resolve), in characters. */
export const INCIDENT_NOTE_MAX = 2000
export const ZIncidentNote = z
  .string()
  .max(INCIDENT_NOTE_MAX, `a note has at most ${INCIDENT_NOTE_MAX} characters`)

/** Why an ignore rule exists, in characters. */
export const IGNORE_RULE_NOTE_MAX = 500

/** The widest source network a rule may silence: anything wider hides most of the internet. */
export const IGNORE_CIDR_MIN_PREFIX = 8

/**
 * A source network of an ignore rule: "a.b.c.d/n" with n in /8../32 and no host bits set (a typo
 * like 10.0.0.5/8 is refused, not silently widened). One address is "a.b.c.d/32".
 */
export function ignoreCidrProblem(text: string): string | null {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(text)
  if (!match) return `"${text}" is not an IPv4 CIDR such as 198.51.100.0/24 (one address: 198.51.100.7/32)`
  const address = parseIpv4(match[1] as string)
  if (address === undefined) return `"${match[1]}" is not a valid IPv4 address`
  const prefix = Number(match[2])
  if (prefix < IGNORE_CIDR_MIN_PREFIX || prefix > 32) {
    return `prefix /${prefix} must be between /${IGNORE_CIDR_MIN_PREFIX} and /32`
  }
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  const base = (address & mask) >>> 0
  if (base !== address) return `"${text}" has host bits set (did you mean ${formatIpv4(base)}/${prefix}?)`
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
