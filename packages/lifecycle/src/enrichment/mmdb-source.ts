/**
 * A MaxMind DB (.mmdb) file as a geo source: MaxMind's GeoLite2/GeoIP2 City, Country and ASN
 * layouts and the flat ip-location-db layout (`country_code`, `city`, `autonomous_system_number`)
 * are read alike, so an operator can point DECNET at whichever newer file they have.
 */
import { open, type Reader, type Response } from 'maxmind'
import type { GeoFields, GeoSource } from './geo-source.ts'

type Named = { names?: Record<string, string> }
/** The fields we read, in either layout; everything else in a record is ignored. */
type MmdbRecord = {
  country?: { iso_code?: string } | string
  registered_country?: { iso_code?: string }
  country_code?: string
  city?: Named | string
  autonomous_system_number?: number
  autonomous_system_organization?: string
  asn?: number | string
  as_name?: string
  as_org?: string
}

export class MmdbGeoSource implements GeoSource {
  private reader: Promise<Reader<Response>> | undefined

  constructor(
    readonly name: string,
    private readonly path: string,
  ) {}

  async lookup(ip: string): Promise<Partial<GeoFields>> {
    this.reader ??= open<Response>(this.path, { cache: { max: 1_000 } })
    const record = (await this.reader).get(ip) as MmdbRecord | null
    return record ? fieldsOf(record) : {}
  }
}

export function fieldsOf(record: MmdbRecord): Partial<GeoFields> {
  const country =
    (typeof record.country === 'string' ? record.country : record.country?.iso_code) ??
    record.country_code ??
    record.registered_country?.iso_code
  const city = typeof record.city === 'string' ? record.city : record.city?.names?.en
  return {
    ...(country && /^[A-Za-z]{2}$/.test(country) ? { country } : {}),
    ...(city ? { city } : {}),
    ...asnOf(record),
  }
}

function asnOf(record: MmdbRecord): Partial<GeoFields> {
  const raw = record.autonomous_system_number ?? record.asn
  const asn = typeof raw === 'string' ? Number(raw.replace(/^AS/i, '')) : raw
  if (asn === undefined || !Number.isInteger(asn) || asn < 0) return {}
  const org = record.autonomous_system_organization ?? record.as_name ?? record.as_org
  return { asn, ...(org ? { org } : {}) }
}
