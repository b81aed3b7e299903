// Strict IPv6 parsing for source networks (ignore rules): eight hextets, at most one "::".
const HEXTET_RE = /^[0-9a-f]{1,4}$/

/** Parses an IPv6 address (lower-case hex, "::" allowed once, no zone, no embedded IPv4) to 128 bits. */
export function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const part = (half: string | undefined) => (half ? half.split(':') : [])
  const head = part(halves[0])
  const tail = part(halves[1])
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const hextets = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]
  let value = 0n
  for (const hextet of hextets) {
    if (!HEXTET_RE.test(hextet)) return undefined
    value = (value << 16n) | BigInt(Number.parseInt(hextet, 16))
  }
  return value
}

/** The network address of `value` under `prefix` (its host bits cleared). */
export function ipv6NetworkOf(value: bigint, prefix: number): bigint {
  const hostBits = BigInt(128 - prefix)
  return (value >> hostBits) << hostBits
}

/** RFC 5952 text of an address: lower case, leading zeros dropped, the longest zero run as "::". */
export function formatIpv6(value: bigint): string {
  const hextets = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - i * 16)) & 0xffffn))
  let best = { start: -1, length: 0 }
  for (let i = 0; i < 8; ) {
    if (hextets[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && hextets[j] === 0) j++
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i }
    i = j
  }
  const text = hextets.map((h) => h.toString(16))
  if (best.start < 0) return text.join(':')
  const head = text.slice(0, best.start).join(':')
  const tail = text.slice(best.start + best.length).join(':')
  return `${head}::${tail}`
}
