/**
 * Geo/ASN lookups from offline databases. A source answers some of the fields (a country database
 * no ASN, an ASN database no country); `GeoLookup` asks its sources in order and takes each field
 * from the first that has it, so an operator's newer .mmdb placed first overrides the shipped data
 * for the fields it carries and the shipped data fills the rest.
 */
import { parseAddress } from './address-label.ts'

export type GeoFields = {
  /** ISO 3166-1 alpha-2. */
  country: string | null
  city: string | null
  asn: number | null
  org: string | null
}

export type GeoSource = {
  /** Short name stored with the result (which database answered). */
  readonly name: string
  /** Loads the database on first use (lazily: nothing is read before an address needs it). */
  lookup(ip: string): Promise<Partial<GeoFields>>
}

export type GeoResult = GeoFields & { sources: string[] }

/** Attacker-controlled? No, but database strings are capped like everything we store and show. */
const MAX_TEXT = 200

export class GeoLookup {
  constructor(private readonly sources: readonly GeoSource[]) {}

  get sourceNames(): string[] {
    return this.sources.map((source) => source.name)
  }

  /** `ip` must be a valid address; IPv4-mapped IPv6 is looked up as the IPv4 address. */
  async lookup(ip: string): Promise<GeoResult> {
    const result: GeoResult = { country: null, city: null, asn: null, org: null, sources: [] }
    const address = parseAddress(ip)
    if (!address) return result
    const canonical = address.toString()
    for (const source of this.sources) {
      const found = await source.lookup(canonical)
      let used = false
      if (result.country === null && found.country) {
        result.country = found.country.toUpperCase().slice(0, 2)
        used = true
      }
      if (result.city === null && found.city) {
        result.city = found.city.slice(0, MAX_TEXT)
        used = true
      }
      // The ASN and its organisation come from the same record: never one source's number with
      // another's name.
      if (result.asn === null && found.asn != null) {
        result.asn = found.asn
        result.org = found.org ? found.org.slice(0, MAX_TEXT) : null
        used = true
      }
      if (used) result.sources.push(source.name)
      if (result.country !== null && result.city !== null && result.asn !== null) break
    }
    return result
  }
}
