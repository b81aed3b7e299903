// Offline attacker enrichment (issue 16): address labels, geo/ASN databases, reverse DNS, the worker.
export { ADDRESS_LABELS, type AddressLabel, addressLabel } from './address-label.ts'
export {
  type EnrichmentDatabase,
  type EnrichmentPass,
  EnrichmentWorker,
  type EnrichmentWorkerOptions,
  type EnrichmentWorkerStats,
} from './enrichment-worker.ts'
export { type GeoFields, GeoLookup, type GeoResult, type GeoSource } from './geo-source.ts'
export { MmdbGeoSource } from './mmdb-source.ts'
export { parseRdnsSetting, ReverseDns, type ReverseDnsAnswer, type ReverseDnsOptions } from './reverse-dns.ts'
export { createGeoLookup, SHIPPED_GEO_ATTRIBUTION, shippedGeoSources } from './shipped-databases.ts'
