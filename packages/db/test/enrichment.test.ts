import { describe, expect, it } from 'vitest'
import type { EnrichmentInput } from '../src/repos/enrichment.ts'
import { databases, event, freshDatabaseEachTest } from './fixtures.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 11, 3, 10, minute))

function geo(ip: string, overrides: Partial<EnrichmentInput> = {}): EnrichmentInput {
  return {
    ip,
    label: null,
    country: 'US',
    city: null,
    asn: 15169,
    org: 'Google LLC',
    geoSource: 'shipped',
    enrichedAt: T(0),
    rdnsStatus: 'pending',
    ...overrides,
  }
}

describe.each(databases())('attacker enrichment on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('lists unenriched attackers most recent first, then only those looked up in another database set', async () => {
    await fresh.db.logs.ingest([
      event({ timestamp: T(1), attackerIp: '8.8.8.8' }),
      event({ timestamp: T(2), attackerIp: '10.0.0.5' }),
      event({ timestamp: T(3), attackerIp: '1.1.1.1' }),
    ])
    expect(await fresh.db.enrichment.pending('shipped', 10)).toEqual(['1.1.1.1', '10.0.0.5', '8.8.8.8'])
    expect(await fresh.db.enrichment.pending('shipped', 2)).toEqual(['1.1.1.1', '10.0.0.5'])

    await fresh.db.enrichment.save([
      geo('8.8.8.8'),
      geo('10.0.0.5', { label: 'private', country: null, asn: null, org: null, rdnsStatus: 'skipped' }),
      geo('1.1.1.1', { asn: 13335, org: 'Cloudflare, Inc.' }),
    ])
    expect(await fresh.db.enrichment.pending('shipped', 10)).toEqual([])
    // A newer operator database: public addresses are looked up again, labelled ones never.
    expect(await fresh.db.enrichment.pending('operator:City.mmdb,shipped', 10)).toEqual([
      '1.1.1.1',
      '8.8.8.8',
    ])
  })

  it('refreshes the geo part and keeps the reverse-DNS answer; forIps reads what is stored', async () => {
    await fresh.db.logs.ingest([event({ attackerIp: '8.8.8.8' }), event({ attackerIp: '1.1.1.1' })])
    await fresh.db.enrichment.save([geo('8.8.8.8'), geo('1.1.1.1', { asn: 13335, org: 'Cloudflare, Inc.' })])
    expect(await fresh.db.enrichment.rdnsPending(10, T(0))).toEqual(
      expect.arrayContaining(['8.8.8.8', '1.1.1.1']),
    )
    await fresh.db.enrichment.saveRdns('8.8.8.8', { rdns: 'dns.google', status: 'ok', at: T(5) })
    await fresh.db.enrichment.saveRdns('1.1.1.1', { rdns: null, status: 'failed', at: T(5) })
    // Failed lookups are retried only after the back-off.
    expect(await fresh.db.enrichment.rdnsPending(10, T(5))).toEqual([])
    expect(await fresh.db.enrichment.rdnsPending(10, T(6))).toEqual(['1.1.1.1'])

    await fresh.db.enrichment.save([
      geo('8.8.8.8', { city: 'Mountain View', geoSource: 'operator', enrichedAt: T(9) }),
    ])
    const stored = await fresh.db.enrichment.forIps(['8.8.8.8', '1.1.1.1', '9.9.9.9'])
    expect([...stored.keys()].sort()).toEqual(['1.1.1.1', '8.8.8.8'])
    expect(stored.get('8.8.8.8')).toMatchObject({
      country: 'US',
      city: 'Mountain View',
      asn: 15169,
      org: 'Google LLC',
      geoSource: 'operator',
      rdns: 'dns.google',
      rdnsStatus: 'ok',
    })
    expect(stored.get('8.8.8.8')?.enrichedAt.toISOString()).toBe(T(9).toISOString())
    expect(stored.get('8.8.8.8')?.rdnsAt?.toISOString()).toBe(T(5).toISOString())
    expect(stored.get('1.1.1.1')).toMatchObject({ asn: 13335, rdns: null, rdnsStatus: 'failed' })
  })

  it('asks reverse DNS for public addresses enriched while it was off, never for labelled ones', async () => {
    await fresh.db.logs.ingest([event({ attackerIp: '8.8.8.8' }), event({ attackerIp: '127.0.0.1' })])
    await fresh.db.enrichment.save([
      geo('8.8.8.8', { rdnsStatus: 'skipped' }),
      geo('127.0.0.1', { label: 'loopback', country: null, asn: null, org: null, rdnsStatus: 'skipped' }),
    ])
    expect(await fresh.db.enrichment.rdnsPending(10, T(0))).toEqual([])
    expect(await fresh.db.enrichment.requestRdns()).toBe(1)
    expect(await fresh.db.enrichment.rdnsPending(10, T(0))).toEqual(['8.8.8.8'])
  })
})
