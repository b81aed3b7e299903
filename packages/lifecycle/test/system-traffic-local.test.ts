import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import type { DecoyEvent } from '@decnet/decoys'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { curlFromAddress } from '../../decoys/test/support/http-client.ts'
import { databaseProbeLedger, deckySpecFor, LocalEngine } from '../src/index.ts'
import { IngestPipeline, localEventSink, SystemTrafficFilter } from '../src/workers-index.ts'
import { enginesClosedAfterEach } from './support/local-engines.ts'

/**
 * DECNET's own readiness probes against a real local-engine decky (real emulators, real sockets,
 * real SQLite through the production pipeline) are stored flagged `system` and counted nowhere; a
 * real client (Debian curl) from the very same address right after is still an attacker.
 */
const provider = sqliteTestDatabase()
let db: DecnetDatabase
const engines = enginesClosedAfterEach()

beforeEach(async () => {
  db = (await provider.open()).db
})
afterAll(() => provider.cleanup())

const spec = (name: string) =>
  deckySpecFor({
    name,
    ip: '198.18.0.30',
    mac: '00:1b:21:00:00:03',
    hostname: `${name}-host`,
    osFamily: 'linux',
    // TCP (ssh, http) and UDP (dns, snmp) probes.
    services: ['ssh', 'http', 'dns', 'snmp'],
    serviceConfig: {},
  })

async function settle(pipeline: IngestPipeline, atLeast: number) {
  const deadline = Date.now() + 20_000
  while (pipeline.stats().received < atLeast && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  // The TCP probes' disconnect events come up to a second after the deploy answers.
  await new Promise((resolve) => setTimeout(resolve, 1500))
  await pipeline.flush()
}

describe('readiness probes are system traffic (local engine)', () => {
  it('creates no attacker, credential, histogram or stats count; only system:true shows them', async () => {
    const pipeline = new IngestPipeline({
      db,
      flushIntervalMs: 20,
      systemTraffic: new SystemTrafficFilter(db.probeSources),
    })
    const engine = new LocalEngine({
      onEvent: localEventSink(pipeline),
      probeLedger: databaseProbeLedger(db.probeSources),
    })
    engines.push(engine)
    await engine.deploy(spec('sys-local'))
    const address = engine.addressOf('sys-local') ?? ''
    await settle(pipeline, 4)
    const probes = await db.logs.search({ q: 'system:true', limit: 500 })
    // At least one event per probed port (connect/disconnect for TCP, the request for UDP).
    expect(probes.total).toBeGreaterThanOrEqual(4)
    expect(probes.rows.every((row) => row.system && row.decky === 'sys-local')).toBe(true)
    expect(new Set(probes.rows.map((row) => row.service))).toEqual(new Set(['ssh', 'http', 'dns', 'snmp']))
    expect(pipeline.stats().stored).toBe(probes.total)

    expect(await db.logs.search({ limit: 500 })).toMatchObject({ total: 0, rows: [] })
    expect(await db.logs.histogram({ bucketMinutes: 1 })).toEqual([])
    expect(await db.logs.histogram({ q: 'decky:sys-local', bucketMinutes: 1 })).toEqual([])
    expect(await db.logs.counts()).toEqual({ logs: 0, logs24h: 0 })
    expect(await db.attackers.count()).toBe(0)
    expect(await db.logs.since(0)).toEqual([])

    // A real client from the same address as the prober, right after: an attack.
    const probeSource = probes.rows[0]?.attackerIp
    expect(await curlFromAddress(`http://${address}:80/wp-login.php`)).toBe(probeSource)
    await settle(pipeline, probes.total + 2)
    const attack = await db.logs.search({ q: `decky:sys-local attacker:${probeSource}`, limit: 50 })
    expect(attack.total).toBeGreaterThanOrEqual(1)
    expect(attack.rows.every((row) => !row.system)).toBe(true)
    expect(attack.rows.some((row) => JSON.stringify(row.fields).includes('wp-login.php'))).toBe(true)
    const attackers = await db.attackers.list()
    expect(attackers.rows.map((row) => row.ip)).toEqual([probeSource])
    expect(attackers.rows[0]?.eventCount).toBe(attack.total)
    expect((await db.logs.counts()).logs).toBe(attack.total)
    const buckets = await db.logs.histogram({ bucketMinutes: 1 })
    expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(attack.total)
    // The probes stay behind the filter; `system:any` shows both.
    expect((await db.logs.search({ q: 'system:true', limit: 500 })).total).toBe(probes.total)
    expect((await db.logs.search({ q: 'system:any', limit: 500 })).total).toBe(probes.total + attack.total)
    await pipeline.close()
  }, 90_000)

  it('recognises the probes when their events are ingested later by another pipeline (restart, other process)', async () => {
    const held: DecoyEvent[] = []
    const engine = new LocalEngine({
      onEvent: (event) => held.push(event),
      probeLedger: databaseProbeLedger(db.probeSources),
    })
    engines.push(engine)
    await engine.deploy(spec('sys-late'))
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await engine.close()
    expect(held.length).toBeGreaterThanOrEqual(4)
    // A fresh pipeline (its filter has seen nothing yet) reads the committed sources from the database.
    const later = new IngestPipeline({
      db,
      flushIntervalMs: 20,
      systemTraffic: new SystemTrafficFilter(db.probeSources),
    })
    for (const event of held) await later.pushEvent(event)
    await later.close()
    expect((await db.logs.search({ q: 'system:true', limit: 500 })).total).toBe(held.length)
    expect(await db.attackers.count()).toBe(0)
  }, 60_000)
})
