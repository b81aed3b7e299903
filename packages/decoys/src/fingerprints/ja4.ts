import { type ClientHello, EXT_ALPN, EXT_SERVER_NAME, EXT_SUPPORTED_VERSIONS } from './client-hello.ts'
import { isGrease } from './grease.ts'
import { hex4, sha256Prefix12 } from './text.ts'

export type Ja4 = {
  /** `t13d1516h2_8daaf6152771_e5627efa2ab1`. */
  ja4: string
  /** JA4_r: the same with the sorted lists in clear instead of their hashes. */
  ja4Raw: string
}

const VERSION_CODES: Record<number, string> = {
  772: '13',
  771: '12',
  770: '11',
  769: '10',
  768: 's3',
  2: 's2',
}

/**
 * JA4 (FoxIO, technical_details/JA4.md) of a ClientHello received over TCP:
 * `t` + version + SNI marker + cipher count + extension count + ALPN marker, then the truncated
 * SHA-256 of the sorted ciphers, then of the sorted extensions (SNI and ALPN left out) followed by
 * the signature algorithms in the order sent. GREASE is ignored everywhere.
 */
export function ja4(hello: ClientHello): Ja4 {
  const ciphers = hello.ciphers.filter((value) => !isGrease(value))
  const extensions = hello.extensions.filter((value) => !isGrease(value))
  const prefix = [
    't',
    VERSION_CODES[highestVersion(hello)] ?? '00',
    extensions.includes(EXT_SERVER_NAME) ? 'd' : 'i',
    twoDigits(ciphers.length),
    twoDigits(extensions.length),
    alpnMarker(hello.alpn[0]),
  ].join('')
  const sortedCiphers = ciphers.map(hex4).sort().join(',')
  const sortedExtensions = extensions
    .filter((value) => value !== EXT_SERVER_NAME && value !== EXT_ALPN)
    .map(hex4)
    .sort()
    .join(',')
  const signatures = hello.signatureAlgorithms
    .filter((value) => !isGrease(value))
    .map(hex4)
    .join(',')
  // Without signature algorithms the string ends without the underscore.
  const extensionPart = signatures ? `${sortedExtensions}_${signatures}` : sortedExtensions
  return {
    ja4: `${prefix}_${sha256Prefix12(sortedCiphers)}_${sha256Prefix12(extensionPart)}`,
    ja4Raw: `${prefix}_${sortedCiphers}_${extensionPart}`,
  }
}

/** The highest version offered: from supported_versions when sent, else the hello's legacy version. */
export function highestVersion(hello: ClientHello): number {
  if (!hello.extensions.includes(EXT_SUPPORTED_VERSIONS)) return hello.version
  const offered = hello.supportedVersions.filter((value) => !isGrease(value))
  return offered.length > 0 ? Math.max(...offered) : hello.version
}

const twoDigits = (count: number) => String(Math.min(count, 99)).padStart(2, '0')

const isAlphanumeric = (byte: number) =>
  (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)

/**
 * First and last character of the first ALPN value (`h2`, `h1` for http/1.1); a single character
 * counts as both; `00` without one. When either end is not an ASCII letter or digit, the first and
 * last characters of the value's hex spelling instead.
 */
export function alpnMarker(value: Buffer | undefined): string {
  if (!value || value.length === 0) return '00'
  const first = value[0] as number
  const last = value[value.length - 1] as number
  if (isAlphanumeric(first) && isAlphanumeric(last)) return String.fromCharCode(first, last)
  const hex = value.toString('hex')
  return `${hex[0]}${hex[hex.length - 1]}`
}
