// The enrichment settings: reverse DNS off unless DECNET_RDNS says otherwise; operator .mmdb files
// must exist (a typo would otherwise silently fall back to the shipped data).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.ts'

describe('enrichment configuration', () => {
  it('runs the enrichment worker with reverse DNS off and only the shipped databases by default', () => {
    const config = loadConfig({})
    expect(config.workers.enrichment).toBe(true)
    expect(config.enrichment).toEqual({ geoipMmdb: [], rdns: null, rdnsTimeoutMs: 2_000, rdnsConcurrency: 4 })
    expect(loadConfig({ DECNET_DISABLE_WORKERS: 'enrichment' }).workers.enrichment).toBe(false)
  })

  it('takes reverse DNS servers, their timeout and concurrency; refuses a host name', () => {
    const config = loadConfig({
      DECNET_RDNS: '127.0.0.1:5353',
      DECNET_RDNS_TIMEOUT_MS: '500',
      DECNET_RDNS_CONCURRENCY: '2',
    })
    expect(config.enrichment).toMatchObject({
      rdns: { servers: ['127.0.0.1:5353'] },
      rdnsTimeoutMs: 500,
      rdnsConcurrency: 2,
    })
    expect(loadConfig({ DECNET_RDNS: 'system' }).enrichment.rdns).toEqual({ servers: [] })
    expect(() => loadConfig({ DECNET_RDNS: 'resolver.example.com' })).toThrow(/DECNET_RDNS/)
  })

  it('takes existing operator .mmdb files and refuses a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'decnet-mmdb-'))
    try {
      const city = join(dir, 'GeoLite2-City.mmdb')
      writeFileSync(city, '')
      expect(loadConfig({ DECNET_GEOIP_MMDB: city }).enrichment.geoipMmdb).toEqual([city])
      expect(() => loadConfig({ DECNET_GEOIP_MMDB: `${city},${join(dir, 'nope.mmdb')}` })).toThrow(
        /DECNET_GEOIP_MMDB: no file at .*nope\.mmdb/,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
