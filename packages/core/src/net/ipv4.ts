// Strict IPv4 and CIDR helpers. Addresses are handled as unsigned 32-bit integers.
import { quote } from '../errors.ts'

export interface Ipv4Network {
  /** Network address as an unsigned 32-bit integer. */
  base: number
  prefix: number
  /** Canonical "a.b.c.d/n". */
  cidr: string
}

const OCTET_RE = /^(0|[1-9]\d{0,2})$/

/** Parses dotted-quad IPv4; rejects leading zeros, out-of-range octets, CIDR suffixes and IPv6. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!OCTET_RE.test(part)) return undefined
    const octet = Number(part)
    if (octet > 255) return undefined
    value = value * 256 + octet
  }
  return value
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.')
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== undefined
}

function maskFor(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
}

export type CidrResult = { ok: true; network: Ipv4Network } | { ok: false; reason: string }

/**
 * Parses "a.b.c.d/n". The address must be the network address itself (no host bits) so a typo
 * like 192.168.1.5/24 is reported rather than silently widened. Prefixes /31 and /32 have no
 * usable host addresses for deckies and are rejected, as is anything wider than /8.
 */
export function parseCidr(text: string): CidrResult {
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(text)
  if (!match) return { ok: false, reason: `${quote(text)} is not an IPv4 CIDR such as 192.168.1.0/24` }
  const addressText = match[1] as string
  const address = parseIpv4(addressText)
  const prefix = Number(match[2])
  if (address === undefined) return { ok: false, reason: `${quote(addressText)} is not a valid IPv4 address` }
  if (prefix < 8 || prefix > 30) return { ok: false, reason: `prefix /${prefix} must be between /8 and /30` }
  const base = (address & maskFor(prefix)) >>> 0
  if (base !== address) {
    return {
      ok: false,
      reason: `${quote(text)} has host bits set (did you mean ${formatIpv4(base)}/${prefix}?)`,
    }
  }
  return { ok: true, network: { base, prefix, cidr: `${formatIpv4(base)}/${prefix}` } }
}

export function broadcastOf(network: Ipv4Network): number {
  return (network.base | (~maskFor(network.prefix) >>> 0)) >>> 0
}

export function networkContains(network: Ipv4Network, address: number): boolean {
  return (address & maskFor(network.prefix)) >>> 0 === network.base
}

/** Whether two networks share any address (one contains the other's base at the shorter prefix). */
export function networksOverlap(a: Ipv4Network, b: Ipv4Network): boolean {
  const mask = maskFor(Math.min(a.prefix, b.prefix))
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0
}
