import { request } from 'node:http'
import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { startEmulator } from '@decnet/decoys'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { InProcessBus } from '../src/index.ts'
import { startCollectorWorker } from '../src/workers-index.ts'

const provider = sqliteTestDatabase()
let db: DecnetDatabase

beforeEach(async () => {
  db = (await provider.open()).db
})

afterAll(() => provider.cleanup())

function get(host: string, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host, port, path, headers: { Authorization: `Basic ${btoa('ops:s3cret')}` } },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('collector worker', () => {
  it('local engine: in-process emulator events become rows, log.ingested fires, the heartbeat reports', async () => {
    const bus = new InProcessBus()
    const ingested: number[] = []
    bus.on('log.ingested', (event) => {
      if (event.type === 'log.ingested') ingested.push(event.payload.count)
    })
    const worker = await startCollectorWorker({
      db,
      bus,
      engine: 'local',
      ingest: { flushIntervalMs: 20 },
      heartbeatIntervalMs: 50,
    })
    expect(worker.collector).toBeUndefined()
    const emulator = await startEmulator('http', {
      decky: 'local-decky',
      bindAddress: '127.0.0.1',
      ports: [0],
      onEvent: worker.eventSink,
    })
    try {
      expect(await get('127.0.0.1', emulator.ports[0] as number, '/manager/html')).toBeGreaterThan(0)
      await expect
        .poll(async () => (await db.logs.search({ q: 'decky:local-decky' })).rows.length, { timeout: 5_000 })
        .toBeGreaterThan(0)
    } finally {
      await emulator.close()
    }
    await worker.stop()
    const { rows } = await db.logs.search({ q: 'decky:local-decky' })
    expect(rows.every((r) => r.attackerIp === '127.0.0.1' && r.service === 'http')).toBe(true)
    const auth = rows.find((r) => r.eventType === 'auth_attempt')
    expect(auth?.fields).toMatchObject({ username: 'ops', password: 's3cret', secret_fields: ['password'] })
    expect(ingested.reduce((a, b) => a + b, 0)).toBe(rows.length)
    const beat = await db.heartbeats.get('collector')
    expect(beat?.status).toBe('ok')
    expect(beat?.detail).toBe(`stopped; stored ${rows.length}, malformed 0, dropped 0, pending 0`)
  })

  it('docker engine with an unreachable daemon: starts anyway and reports degraded', async () => {
    const errors: string[] = []
    const worker = await startCollectorWorker({
      db,
      engine: 'docker',
      connection: { dockerHost: 'unix:///nonexistent/docker.sock', timeoutMs: 500 },
      heartbeatIntervalMs: 30,
      rescanIntervalMs: 50,
      onError: (_error, context) => errors.push(context),
    })
    expect(errors).toContain('initial scan')
    await expect
      .poll(
        async () => {
          const beat = await db.heartbeats.get('collector')
          return `${beat?.status} ${beat?.detail}`
        },
        { timeout: 5_000 },
      )
      .toMatch(/^degraded .*docker errors/)
    await worker.stop()
  })

  it('a backlog that does not drain (the database takes writes but never finishes them) reports degraded', async () => {
    // The real database, except that its log writes hang as on a full disk or a stuck lock.
    const stuck: typeof db = Object.assign(Object.create(db) as typeof db, {
      logs: { ...db.logs, ingest: () => new Promise<never>(() => undefined) },
    })
    const worker = await startCollectorWorker({
      db: stuck,
      engine: 'local',
      ingest: { flushIntervalMs: 10 },
      heartbeatIntervalMs: 3_600_000,
    })
    const before = worker.health()
    expect(before.status).toBe('ok')
    const emulator = await startEmulator('http', {
      decky: 'stuck-decky',
      bindAddress: '127.0.0.1',
      ports: [0],
      onEvent: worker.eventSink,
    })
    try {
      await get('127.0.0.1', emulator.ports[0] as number, '/')
      await expect.poll(() => worker.pipeline.stats().pending, { timeout: 5_000 }).toBeGreaterThan(0)
      // The first look sees events waiting; the second sees them still waiting, none stored.
      expect(worker.health().status).toBe('ok')
      const after = worker.health()
      expect(after.status).toBe('degraded')
      expect(after.detail).toContain('ingest backlog not draining')
    } finally {
      await emulator.close()
    }
  })
})
