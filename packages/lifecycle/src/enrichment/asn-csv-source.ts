/**
 * The ASN database shipped as CSV ranges (`start,end,asn,organisation`, sorted, non-overlapping;
 * the @ip-location-db/asn package: RouteViews + RIR + DB-IP data, CC BY 4.0). npm carries no ASN
 * .mmdb we may redistribute, so the ranges are read into typed arrays on first use (per family)
 * and searched by bisection.
 */
import { readFile } from 'node:fs/promises'
import { setImmediate } from 'node:timers/promises'
import type ipaddr from 'ipaddr.js'
import { parseAddress } from './address-label.ts'
import type { GeoFields, GeoSource } from './geo-source.ts'

type RangeTable<T> = { starts: T; ends: T; asns: Uint32Array; orgIndex: Uint32Array; orgs: string[] }
type V4Table = RangeTable<Uint32Array>
/** IPv6 addresses as two 64-bit halves. */
type V6Table = RangeTable<BigUint64Array> & { startsLow: BigUint64Array; endsLow: BigUint64Array }

export type AsnCsvFiles = {
  /** `start,end,asn,org` with IPv4 addresses as unsigned integers (asn-ipv4-num.csv). */
  ipv4Numeric: string
  /** The same with IPv6 addresses as unsigned 128-bit integers (asn-ipv6-num.csv). */
  ipv6Numeric: string
}

export class AsnCsvGeoSource implements GeoSource {
  private v4: Promise<V4Table> | undefined
  private v6: Promise<V6Table> | undefined

  constructor(
    readonly name: string,
    private readonly files: AsnCsvFiles,
  ) {}

  async lookup(ip: string): Promise<Partial<GeoFields>> {
    const address = parseAddress(ip)
    if (!address) return {}
    if (address.kind() === 'ipv4') {
      this.v4 ??= readFile(this.files.ipv4Numeric, 'utf8').then(parseV4)
      const table = await this.v4
      const value = address.toByteArray().reduce((sum, byte) => sum * 256 + byte, 0)
      const index = bisect(table.starts.length, (i) => compare(value, table.starts[i] ?? 0))
      return found(table, index, (i) => value <= (table.ends[i] ?? 0))
    }
    this.v6 ??= readFile(this.files.ipv6Numeric, 'utf8').then(parseV6)
    const table = await this.v6
    const [high, low] = halves(address as ipaddr.IPv6)
    const index = bisect(table.starts.length, (i) =>
      compare128(high, low, table.starts[i] ?? 0n, table.startsLow[i] ?? 0n),
    )
    return found(table, index, (i) => compare128(high, low, table.ends[i] ?? 0n, table.endsLow[i] ?? 0n) <= 0)
  }
}

/** The last range starting at or before the address, or -1. */
function bisect(length: number, compareAt: (index: number) => number): number {
  let low = 0
  let high = length - 1
  let best = -1
  while (low <= high) {
    const middle = (low + high) >>> 1
    if (compareAt(middle) >= 0) {
      best = middle
      low = middle + 1
    } else high = middle - 1
  }
  return best
}

function found<T>(
  table: RangeTable<T>,
  index: number,
  contains: (index: number) => boolean,
): Partial<GeoFields> {
  if (index < 0 || !contains(index)) return {}
  const org = table.orgs[table.orgIndex[index] ?? 0]
  return { asn: table.asns[index] ?? 0, ...(org ? { org } : {}) }
}

function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function compare128(aHigh: bigint, aLow: bigint, bHigh: bigint, bLow: bigint): number {
  if (aHigh !== bHigh) return aHigh < bHigh ? -1 : 1
  return aLow < bLow ? -1 : aLow > bLow ? 1 : 0
}

function halves(address: ipaddr.IPv6): [bigint, bigint] {
  const parts = address.parts
  const half = (from: number) =>
    parts.slice(from, from + 4).reduce((sum, part) => (sum << 16n) | BigInt(part), 0n)
  return [half(0), half(4)]
}

type Row = { start: string; end: string; asn: number; org: string }

/** Rows parsed between two turns of the event loop: loading never blocks the API for long. */
const ROWS_PER_TURN = 4_000

/** Four columns; only the organisation may be quoted (with "" for a quote inside). */
async function eachRow(text: string, onRow: (row: Row) => void): Promise<void> {
  let lineStart = 0
  let sinceYield = 0
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart)
    if (lineEnd < 0) lineEnd = text.length
    const first = text.indexOf(',', lineStart)
    const second = text.indexOf(',', first + 1)
    const third = text.indexOf(',', second + 1)
    if (first > 0 && third > 0 && third < lineEnd) {
      let org = text.slice(third + 1, text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd)
      if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replaceAll('""', '"')
      onRow({
        start: text.slice(lineStart, first),
        end: text.slice(first + 1, second),
        asn: Number(text.slice(second + 1, third)),
        org,
      })
    }
    lineStart = lineEnd + 1
    if (++sinceYield === ROWS_PER_TURN) {
      sinceYield = 0
      await setImmediate()
    }
  }
}

function lineCount(text: string): number {
  let count = 0
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++
  return count + 1
}

class Organisations {
  readonly names: string[] = ['']
  private readonly index = new Map<string, number>([['', 0]])
  of(name: string): number {
    let at = this.index.get(name)
    if (at === undefined) {
      at = this.names.push(name) - 1
      this.index.set(name, at)
    }
    return at
  }
}

async function parseV4(text: string): Promise<V4Table> {
  const capacity = lineCount(text)
  const orgs = new Organisations()
  const table: V4Table = {
    starts: new Uint32Array(capacity),
    ends: new Uint32Array(capacity),
    asns: new Uint32Array(capacity),
    orgIndex: new Uint32Array(capacity),
    orgs: orgs.names,
  }
  let size = 0
  await eachRow(text, (row) => {
    table.starts[size] = Number(row.start)
    table.ends[size] = Number(row.end)
    table.asns[size] = row.asn
    table.orgIndex[size++] = orgs.of(row.org)
  })
  return { ...table, starts: table.starts.subarray(0, size) }
}

/** IPv6 ranges from the numeric file: decimal 128-bit integers, split into two 64-bit halves. */
async function parseV6(text: string): Promise<V6Table> {
  const capacity = lineCount(text)
  const orgs = new Organisations()
  const table: V6Table = {
    starts: new BigUint64Array(capacity),
    startsLow: new BigUint64Array(capacity),
    ends: new BigUint64Array(capacity),
    endsLow: new BigUint64Array(capacity),
    asns: new Uint32Array(capacity),
    orgIndex: new Uint32Array(capacity),
    orgs: orgs.names,
  }
  let size = 0
  await eachRow(text, (row) => {
    if (!/^\d+$/.test(row.start) || !/^\d+$/.test(row.end)) return
    const start = BigInt(row.start)
    const end = BigInt(row.end)
    table.starts[size] = start >> 64n
    table.startsLow[size] = BigInt.asUintN(64, start)
    table.ends[size] = end >> 64n
    table.endsLow[size] = BigInt.asUintN(64, end)
    table.asns[size] = row.asn
    table.orgIndex[size++] = orgs.of(row.org)
  })
  return { ...table, starts: table.starts.subarray(0, size) }
}
