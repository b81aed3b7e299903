import type { DecnetDatabase, LogEventInput } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { serializeEvent } from '@decnet/decoys/events'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { InProcessBus } from '../src/index.ts'
import type { IngestDatabase } from '../src/ingest/pipeline.ts'
import { IngestPipeline, localEventSink } from '../src/workers-index.ts'

const provider = sqliteTestDatabase()
let db: DecnetDatabase

beforeEach(async () => {
  db = (await provider.open()).db
})

afterAll(() => provider.cleanup())

function line(i: number, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ts: new Date(Date.UTC(2026, 10, 25, 20, 0, 0) + i).toISOString(),
    decky: 'd-01',
    service: 'ssh',
    event: 'command',
    src_ip: `198.51.100.${i % 3}`,
    src_port: 40000 + i,
    fields: { cmd: `echo ${i}` },
    ...overrides,
  })
}

const logCount = async () => (await db.logs.counts(new Date(0))).logs

/** The real database, with a delay and/or failures injected in front of `logs.ingest`. */
function slowDb(options: { delayMs?: number; failFirst?: number }) {
  let failures = options.failFirst ?? 0
  const calls: number[] = []
  return {
    calls,
    db: {
      logs: {
        ingest: async (events: readonly LogEventInput[]) => {
          calls.push(events.length)
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs))
          if (failures > 0) {
            failures--
            throw new Error('database is locked')
          }
          return db.logs.ingest(events)
        },
      },
    },
  }
}

describe('IngestPipeline', () => {
  it('writes Log, Credential and Attacker rows and publishes log.ingested per batch', async () => {
    const bus = new InProcessBus()
    const published: number[] = []
    bus.on('log.ingested', (event) => {
      if (event.type === 'log.ingested') published.push(event.payload.count)
    })
    const pipeline = new IngestPipeline({ db, bus, batchSize: 2, flushIntervalMs: 50 })
    pipeline.offerLine(
      line(1, {
        event: 'auth_attempt',
        src_ip: '::ffff:203.0.113.9',
        fields: { username: 'root', password: 'toor', success: false },
        secret_fields: ['password'],
      }),
    )
    pipeline.offerLine(line(2, { src_ip: '203.0.113.9', fields: { cmd: 'uname -a' } }))
    pipeline.offerLine(
      line(3, { src_ip: '203.0.113.9', service: 'http', event: 'request', fields: { path: '/' } }),
    )
    await pipeline.flush()
    expect(published).toEqual([2, 1])

    const { rows } = await db.logs.search({ q: 'attacker:203.0.113.9' })
    expect(rows.map((r) => [r.service, r.eventType, r.attackerIp, r.attackerPort]).reverse()).toEqual([
      ['ssh', 'auth_attempt', '203.0.113.9', 40001],
      ['ssh', 'command', '203.0.113.9', 40002],
      ['http', 'request', '203.0.113.9', 40003],
    ])
    expect(rows.at(-1)?.fields).toEqual({
      username: 'root',
      password: 'toor',
      success: false,
      secret_fields: ['password'],
    })

    const attackers = await db.attackers.list()
    expect(attackers.rows).toHaveLength(1)
    const profile = await db.attackers.get(attackers.rows[0]?.id as string)
    expect(profile?.attacker).toMatchObject({ ip: '203.0.113.9', eventCount: 3, commands: ['uname -a'] })
    expect(profile?.attacker.services.sort()).toEqual(['http', 'ssh'])
    expect(profile?.credentials.map((c) => [c.decky, c.service, c.principal, c.secret])).toEqual([
      ['d-01', 'ssh', 'root', 'toor'],
    ])
    expect(pipeline.stats()).toMatchObject({
      received: 3,
      stored: 3,
      malformed: 0,
      dropped: 0,
      pending: 0,
      batches: 2,
    })
    await pipeline.close()
  })

  it('counts garbage and oversized lines as malformed and keeps ingesting', async () => {
    const pipeline = new IngestPipeline({ db, batchSize: 100, flushIntervalMs: 10 })
    const results = [
      pipeline.offerLine(line(1)),
      pipeline.offerLine('\u0000\u0001garbage'),
      pipeline.offerLine(line(2, { fields: { body: 'A'.repeat(1024 * 1024) } })),
      pipeline.offerLine('{"ts":'),
      pipeline.offerLine(line(3)),
    ]
    expect(results).toEqual(['queued', 'malformed', 'malformed', 'malformed', 'queued'])
    await pipeline.close()
    const stats = pipeline.stats()
    expect(stats).toMatchObject({ received: 5, stored: 2, malformed: 3, dropped: 0 })
    expect(stats.rejected).toMatchObject({ oversized: 1, not_json: 2 })
    expect(await logCount()).toBe(2)
  })

  it('flushes a partial batch after the interval without an explicit flush', async () => {
    const pipeline = new IngestPipeline({ db, batchSize: 500, flushIntervalMs: 30 })
    pipeline.offerLine(line(1))
    expect(await logCount()).toBe(0)
    // Generous: the first batch also starts the SQLite ingest worker thread (seconds on a loaded machine).
    await expect.poll(logCount, { timeout: 30_000, interval: 10 }).toBe(1)
    await pipeline.close()
  })

  it('writes full batches without waiting for the timer', async () => {
    const pipeline = new IngestPipeline({ db, batchSize: 10, flushIntervalMs: 60_000 })
    for (let i = 0; i < 25; i++) pipeline.offerLine(line(i))
    // Well below the 60 s interval, generous for the ingest worker thread's start on a loaded machine.
    await expect.poll(logCount, { timeout: 30_000, interval: 10 }).toBe(20)
    expect(pipeline.pending).toBe(5)
    await pipeline.close()
    expect(await logCount()).toBe(25)
  })

  it('close() loses nothing: every accepted event is stored, later ones are counted as dropped', async () => {
    const { db: slow } = slowDb({ delayMs: 5 })
    const pipeline = new IngestPipeline({ db: slow, batchSize: 100, flushIntervalMs: 1000 })
    for (let i = 0; i < 1234; i++) pipeline.offerLine(line(i))
    await pipeline.close()
    expect(pipeline.offerLine(line(9999))).toBe('dropped')
    expect(pipeline.stats()).toMatchObject({ received: 1235, stored: 1234, dropped: 1, pending: 0 })
    expect(await logCount()).toBe(1234)
  })

  it('offer* drops (counted) when the queue is full; push* waits for space instead', async () => {
    const { db: slow } = slowDb({ delayMs: 40 })
    const pipeline = new IngestPipeline({ db: slow, batchSize: 10, maxQueue: 20, flushIntervalMs: 1 })
    const offered = Array.from({ length: 50 }, (_, i) => pipeline.offerLine(line(i)))
    // The first 10 leave the queue at once as the batch in flight; 20 more fill it.
    expect(offered.filter((r) => r === 'dropped').length).toBe(20)
    expect(pipeline.isFull).toBe(true)

    const started = performance.now()
    for (let i = 100; i < 160; i++) expect(await pipeline.pushLine(line(i))).toBe('queued')
    expect(performance.now() - started).toBeGreaterThan(40) // it had to wait for at least one write
    await pipeline.close()
    const stats = pipeline.stats()
    expect(stats).toMatchObject({ received: 110, stored: 90, dropped: 20, malformed: 0, pending: 0 })
    expect(stats.received).toBe(stats.stored + stats.dropped + stats.malformed + stats.pending)
    expect(await logCount()).toBe(90)
  })

  it('bounds the queue by size as well as by count', async () => {
    const { db: slow } = slowDb({ delayMs: 30 })
    const pipeline = new IngestPipeline({ db: slow, batchSize: 2, maxQueueChars: 50_000, flushIntervalMs: 1 })
    const big = (i: number) => line(i, { fields: { body: 'b'.repeat(10_000) } })
    const results = Array.from({ length: 10 }, (_, i) => pipeline.offerLine(big(i)))
    // 2 leave at once as the batch in flight; 5 lines of ~10,200 characters fill 50,000.
    expect(results.filter((r) => r === 'queued')).toHaveLength(7)
    expect(pipeline.isFull).toBe(true)
    await pipeline.close()
    expect(pipeline.stats()).toMatchObject({ stored: 7, dropped: 3 })
  })

  it('a queue full by size is written at once, not after the interval', async () => {
    const pipeline = new IngestPipeline({
      db,
      batchSize: 500,
      maxQueueChars: 20_000,
      flushIntervalMs: 60_000,
    })
    const big = (i: number) => line(i, { fields: { body: 'b'.repeat(10_000) } })
    pipeline.offerLine(big(1))
    pipeline.offerLine(big(2))
    const started = performance.now()
    expect(await pipeline.pushLine(big(3))).toBe('queued')
    expect(performance.now() - started).toBeLessThan(10_000)
    await expect.poll(logCount, { timeout: 5_000, interval: 10 }).toBeGreaterThanOrEqual(2)
    await pipeline.close()
    expect(await logCount()).toBe(3)
  })

  it('retries a failed write with backoff and keeps the batch', async () => {
    const { db: flaky, calls } = slowDb({ failFirst: 2 })
    const errors: unknown[] = []
    const pipeline = new IngestPipeline({
      db: flaky,
      batchSize: 5,
      retryInitialMs: 5,
      onError: (error) => errors.push(error),
    })
    for (let i = 0; i < 5; i++) pipeline.offerLine(line(i))
    await pipeline.flush()
    expect(calls).toEqual([5, 5, 5])
    expect(errors).toHaveLength(2)
    expect(pipeline.stats()).toMatchObject({ stored: 5, writeErrors: 2, batches: 1 })
    expect(await logCount()).toBe(5)
    await pipeline.close()
  })

  it('batches prepared ahead while writes fail are stored once each, in line order', async () => {
    // The real database behind an ingest that fails its first 3 calls; batches are prepared ahead.
    let failures = 3
    const prepared: number[] = []
    const flaky: IngestDatabase = {
      logs: {
        prepareIngest: (events, now) => {
          prepared.push(events.length)
          return db.logs.prepareIngest(events, now)
        },
        ingest: async (input, now) => {
          if (failures-- > 0) throw new Error('database is locked')
          return db.logs.ingest(input, now)
        },
      },
    }
    const errors: unknown[] = []
    const pipeline = new IngestPipeline({
      db: flaky,
      batchSize: 50,
      retryInitialMs: 5,
      onError: (error) => errors.push(error),
    })
    const credential = (i: number) =>
      line(i, { event: 'auth', fields: { username: 'root', password: `pw${i}` } })
    for (let i = 0; i < 200; i++) pipeline.offerLine(credential(i))
    await pipeline.flush()
    const rows = (await db.logs.search({ limit: 1000 })).rows.reverse()
    expect(rows.map((row) => row.fields.password)).toEqual(Array.from({ length: 200 }, (_, i) => `pw${i}`))
    expect(errors).toHaveLength(3)
    // Prepared again for each retry: 4 batches plus 3 retries.
    expect(prepared).toHaveLength(7)
    expect(pipeline.stats()).toMatchObject({ stored: 200, batches: 4, writeErrors: 3, dropped: 0 })
    await pipeline.close()
  })

  it('whenSettled/settledSequence track durability in acceptance order', async () => {
    const pipeline = new IngestPipeline({ db, batchSize: 3, flushIntervalMs: 5 })
    const settled: number[] = []
    pipeline.onSettled((seq) => settled.push(seq))
    for (let i = 0; i < 7; i++) pipeline.offerLine(line(i))
    expect(pipeline.lastSequence).toBe(7)
    await pipeline.whenSettled(7)
    expect(pipeline.settledSequence).toBe(7)
    expect(settled).toEqual([3, 6, 7])
    await pipeline.close()
  })

  it('feeds in-process emulator events through the same validation (local engine)', async () => {
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 5 })
    const sink = localEventSink(pipeline)
    sink({
      ts: new Date().toISOString(),
      decky: 'local-1',
      service: 'http',
      event: 'request',
      src_ip: '::ffff:127.0.0.1',
      src_port: 5555,
      fields: { method: 'GET', path: '/admin' },
    })
    sink({
      ts: 'bad',
      decky: 'local-1',
      service: 'http',
      event: 'x',
      src_ip: '127.0.0.1',
      src_port: 1,
      fields: {},
    })
    await pipeline.close()
    expect(pipeline.stats()).toMatchObject({ received: 2, stored: 1, malformed: 1 })
    const { rows } = await db.logs.search({ q: 'decky:local-1' })
    expect(rows.map((r) => [r.attackerIp, r.fields.path])).toEqual([['127.0.0.1', '/admin']])
  })

  it('stores an oversized in-process event cut like a container line, and a Docker line the same way', async () => {
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 5 })
    const big = (decky: string) => ({
      ts: new Date().toISOString(),
      decky,
      service: 'http',
      event: 'request',
      src_ip: '127.0.0.1',
      src_port: 5555,
      fields: { method: 'POST', path: '/upload', body: 'B'.repeat(300_000) },
    })
    localEventSink(pipeline)(big('local-big'))
    // What a decoy container prints for the same event (its stdout sink cuts it before the collector).
    pipeline.offerLine(serializeEvent(big('docker-big')))
    await pipeline.close()
    expect(pipeline.stats()).toMatchObject({ received: 2, stored: 2, malformed: 0 })
    const local = (await db.logs.search({ q: 'decky:local-big' })).rows[0]
    const docker = (await db.logs.search({ q: 'decky:docker-big' })).rows[0]
    expect(local?.fields.truncated).toBe(true)
    expect(local?.fields.path).toBe('/upload')
    expect(local?.fields.body).toBe(docker?.fields.body)
    expect(String(local?.fields.body).length).toBeGreaterThan(4000)
  })
})
