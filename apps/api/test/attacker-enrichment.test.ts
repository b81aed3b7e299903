// Attacker enrichment in the API process: the enrichment worker (not a request) labels each stored
// attacker's address, resolves public ones to country/ASN from the databases shipped with DECNET and,
// with DECNET_RDNS set, to a reverse name from that DNS server; attackers.list and attackers.get show
// it to viewers too. Loopback and private sources are labelled and never looked up nor resolved.
import { logEventFixture } from '@decnet/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LoopbackDns, startLoopbackDns } from '../../../packages/lifecycle/test/support/dns-server.ts'
import { inProcessApiOfSuite } from './support/in-process.ts'
import { eventually } from './support/wait.ts'

const connect = (attackerIp: string) =>
  logEventFixture({ timestamp: new Date(), eventType: 'connect', rawLine: 'connect', attackerIp })

// 8.8.8.0/24 and 1.1.1.0/24: public-looking test data only (no traffic goes to them).
const PUBLIC = ['8.8.8.53', '1.1.1.77']
const LABELLED = { '127.0.0.1': 'loopback', '10.0.0.5': 'private', '192.168.56.10': 'private' }

let dns: LoopbackDns
beforeAll(async () => {
  dns = await startLoopbackDns({
    '8.8.8.53': 'resolver.example.test',
    '10.0.0.5': 'fileserver.corp.internal',
  })
})
afterAll(() => dns.stop())

describe('attacker enrichment (enrichment worker in the API process)', () => {
  const api = inProcessApiOfSuite(async () => ({
    env: { DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator,incidents', DECNET_RDNS: dns.server },
  }))
  const viewerApi = inProcessApiOfSuite({
    viewer: 'watcher',
    env: { DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator,incidents' },
  })

  it('resolves public addresses to country/ASN from the shipped databases; labels loopback/private, never sent', async () => {
    const { db, bus } = api.services
    await db.logs.ingest([...PUBLIC, ...Object.keys(LABELLED)].map(connect))
    // What the ingest pipeline publishes after a stored batch: it wakes the worker.
    bus.publish({ topic: 'log.ingested', type: 'log.ingested', payload: { count: 5 } })

    const page = await eventually(
      () => api.admin.attackers.list({ sort: 'recent' }),
      (result) =>
        result.rows.every((row) => row.enrichment?.enrichedAt) &&
        result.rows.some((row) => row.enrichment?.rdnsStatus === 'ok'),
      'every attacker enriched and the reverse name resolved',
    )
    const byIp = Object.fromEntries(page.rows.map((row) => [row.ip, row.enrichment]))
    expect(byIp['8.8.8.53']).toMatchObject({
      label: null,
      country: 'US',
      asn: 15169,
      rdns: 'resolver.example.test',
    })
    expect(byIp['8.8.8.53']?.org).toMatch(/google/i)
    expect(byIp['1.1.1.77']).toMatchObject({ label: null, country: 'US', asn: 13335, rdnsStatus: 'none' })
    expect(byIp['1.1.1.77']?.org).toMatch(/cloudflare/i)
    for (const [ip, label] of Object.entries(LABELLED)) {
      expect(byIp[ip]).toMatchObject({
        label,
        country: null,
        asn: null,
        org: null,
        rdns: null,
        rdnsStatus: 'skipped',
      })
    }
    // Only the public addresses reached the DNS server.
    expect([...new Set(dns.queries())].sort()).toEqual(['53.8.8.8.in-addr.arpa', '77.1.1.1.in-addr.arpa'])

    const attacker = page.rows.find((row) => row.ip === '8.8.8.53')!
    const detail = await api.admin.attackers.get({ id: attacker.id })
    expect(detail.enrichment).toEqual(byIp['8.8.8.53'])

    // Its heartbeat, as health.get reports it to a signed-in caller.
    const health = await eventually(
      () => api.admin.health.get(),
      (report) => /2 resolved/.test(report.components.enrichment.detail),
      'the enrichment heartbeat',
    )
    expect(health.components.enrichment).toEqual({
      status: 'up',
      detail: expect.stringMatching(/^5 enriched \(3 labelled\), reverse DNS 2 resolved, 0 failed$/),
    })
  })

  it('shows viewers the enrichment, and the label before the worker got to an address', async () => {
    const { db } = viewerApi.services
    await db.logs.ingest([connect('127.0.0.1'), connect('8.8.8.8')])
    const page = await viewerApi.viewer.attackers.list({ sort: 'recent' })
    const loopback = page.rows.find((row) => row.ip === '127.0.0.1')
    // Labelled at once (pure, no lookup), whether or not the worker has stored it yet.
    expect(loopback?.enrichment?.label).toBe('loopback')
    const detail = await viewerApi.viewer.attackers.get({ id: loopback!.id })
    expect(detail.enrichment?.label).toBe('loopback')
    // No DECNET_RDNS: reverse DNS stays off.
    viewerApi.services.bus.publish({ topic: 'log.ingested', type: 'log.ingested', payload: { count: 2 } })
    const enriched = await eventually(
      () => viewerApi.viewer.attackers.list({ sort: 'recent' }),
      (result) => result.rows.every((row) => row.enrichment?.enrichedAt),
      'both attackers enriched',
    )
    expect(enriched.rows.find((row) => row.ip === '8.8.8.8')?.enrichment).toMatchObject({
      asn: 15169,
      rdns: null,
      rdnsStatus: 'skipped',
    })
  })
})
