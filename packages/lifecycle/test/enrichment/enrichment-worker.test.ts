// The enrichment worker over a real SQLite database and real ingest: public addresses get geo/ASN
// from the shipped databases and a reverse name from a DNS server on loopback; loopback, private
// and other labelled addresses are labelled and neither looked up nor sent to the DNS server.
import type { DecnetDatabase, LogEventInput } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import {
  createGeoLookup,
  EnrichmentWorker,
  GeoLookup,
  type GeoSource,
  ReverseDns,
  shippedGeoSources,
} from '../../src/index.ts'
import { type LoopbackDns, startLoopbackDns } from '../support/dns-server.ts'

const databases = sqliteTestDatabase()
let dns: LoopbackDns | undefined
afterAll(async () => {
  await dns?.stop()
  await databases.cleanup()
})

function connect(attackerIp: string, minute: number): LogEventInput {
  return {
    timestamp: new Date(Date.UTC(2026, 11, 3, 10, minute)),
    decky: 'decky-01',
    service: 'ssh',
    eventType: 'connect',
    attackerIp,
    attackerPort: 40000 + minute,
    rawLine: 'connect',
    fields: {},
  }
}

/** The shipped databases behind a source that records every address it is asked about. */
function recordingGeo(asked: string[]): GeoLookup {
  const recorder: GeoSource = {
    name: 'recorder',
    lookup: async (ip) => {
      asked.push(ip)
      return {}
    },
  }
  return new GeoLookup([recorder, ...shippedGeoSources()])
}

describe('enrichment worker', () => {
  let db: DecnetDatabase
  beforeEach(async () => {
    ;({ db } = await databases.open())
  })

  it('enriches public addresses from the shipped databases and only labels the others', async () => {
    await db.logs.ingest([
      connect('8.8.8.8', 1),
      connect('1.1.1.1', 2),
      connect('127.0.0.1', 3),
      connect('10.0.0.5', 4),
      connect('192.168.1.9', 5),
      connect('100.64.3.4', 6),
      connect('203.0.113.7', 7),
    ])
    const asked: string[] = []
    const worker = new EnrichmentWorker({ db, geo: recordingGeo(asked), batchSize: 3 })
    await worker.drain()

    expect(asked.sort()).toEqual(['1.1.1.1', '8.8.8.8'])
    const stored = await db.enrichment.forIps([
      '8.8.8.8',
      '1.1.1.1',
      '127.0.0.1',
      '10.0.0.5',
      '192.168.1.9',
      '100.64.3.4',
      '203.0.113.7',
    ])
    expect(stored.get('8.8.8.8')).toMatchObject({
      label: null,
      country: 'US',
      asn: 15169,
      rdnsStatus: 'skipped',
    })
    expect(stored.get('8.8.8.8')?.org).toMatch(/google/i)
    expect(stored.get('1.1.1.1')).toMatchObject({ label: null, country: 'US', asn: 13335 })
    expect(
      Object.fromEntries([...stored].filter(([, row]) => row.label).map(([ip, row]) => [ip, row.label])),
    ).toEqual({
      '127.0.0.1': 'loopback',
      '10.0.0.5': 'private',
      '192.168.1.9': 'private',
      '100.64.3.4': 'cgnat',
      '203.0.113.7': 'documentation',
    })
    for (const ip of ['127.0.0.1', '10.0.0.5', '192.168.1.9']) {
      expect(stored.get(ip)).toMatchObject({
        country: null,
        asn: null,
        org: null,
        rdns: null,
        rdnsStatus: 'skipped',
      })
    }
    expect(worker.stats()).toMatchObject({ enriched: 7, labelled: 5 })

    // Caught up: a second pass finds nothing; a new attacker is picked up by the next one.
    expect(await worker.runOnce()).toEqual({ enriched: 0, resolved: 0 })
    await db.logs.ingest([connect('9.9.9.9', 8)])
    expect(await worker.runOnce()).toEqual({ enriched: 1, resolved: 0 })
  })

  it('resolves public addresses through the configured DNS server, never the labelled ones', async () => {
    dns ??= await startLoopbackDns({ '8.8.8.8': 'dns.google', '10.0.0.5': 'fileserver.corp.internal' })
    await db.logs.ingest([
      connect('8.8.8.8', 1),
      connect('9.9.9.9', 2),
      connect('10.0.0.5', 3),
      connect('127.0.0.1', 4),
    ])
    const before = dns.queries().length
    const worker = new EnrichmentWorker({
      db,
      geo: createGeoLookup(),
      reverseDns: new ReverseDns({ servers: [dns.server], timeoutMs: 5_000 }),
    })
    await worker.drain()

    const stored = await db.enrichment.forIps(['8.8.8.8', '9.9.9.9', '10.0.0.5', '127.0.0.1'])
    expect(stored.get('8.8.8.8')).toMatchObject({ rdns: 'dns.google', rdnsStatus: 'ok' })
    expect(stored.get('9.9.9.9')).toMatchObject({ rdns: null, rdnsStatus: 'none' })
    expect(stored.get('10.0.0.5')).toMatchObject({ label: 'private', rdns: null, rdnsStatus: 'skipped' })
    expect(stored.get('127.0.0.1')).toMatchObject({ label: 'loopback', rdns: null, rdnsStatus: 'skipped' })
    expect(dns.queries().slice(before).sort()).toEqual(['8.8.8.8.in-addr.arpa', '9.9.9.9.in-addr.arpa'])
  })

  it('resolves addresses enriched while reverse DNS was off once it is turned on', async () => {
    dns ??= await startLoopbackDns({ '8.8.8.8': 'dns.google' })
    await db.logs.ingest([connect('8.8.8.8', 1)])
    await new EnrichmentWorker({ db, geo: createGeoLookup() }).drain()
    expect((await db.enrichment.forIps(['8.8.8.8'])).get('8.8.8.8')).toMatchObject({ rdnsStatus: 'skipped' })

    const worker = new EnrichmentWorker({
      db,
      geo: createGeoLookup(),
      reverseDns: new ReverseDns({ servers: [dns.server], timeoutMs: 5_000 }),
    })
    expect(await worker.runOnce()).toEqual({ enriched: 0, resolved: 1 })
    expect((await db.enrichment.forIps(['8.8.8.8'])).get('8.8.8.8')).toMatchObject({
      rdns: 'dns.google',
      rdnsStatus: 'ok',
    })
  })

  it('runs on its own timer once started and is woken by ingest', async () => {
    const worker = new EnrichmentWorker({ db, geo: createGeoLookup(), pollMs: 60_000 })
    worker.start()
    try {
      await db.logs.ingest([connect('8.8.4.4', 1)])
      worker.wake()
      for (let waited = 0; waited < 15_000; waited += 50) {
        if ((await db.enrichment.forIps(['8.8.4.4'])).size > 0) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect((await db.enrichment.forIps(['8.8.4.4'])).get('8.8.4.4')).toMatchObject({ asn: 15169 })
    } finally {
      await worker.stop()
    }
  })
})
