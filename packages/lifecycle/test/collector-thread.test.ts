// The collector in a thread of its own (as the API runs it): its own database handle stores what the
// local engine hands over, `log.ingested` reaches the API's bus, and a thread that dies is started
// again and keeps storing.
import { request } from 'node:http'
import { threadId as mainThreadId } from 'node:worker_threads'
import { collectorBehindSettingKey } from '@decnet/core'
import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { type DecoyEvent, startEmulator } from '@decnet/decoys'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InProcessBus } from '../src/index.ts'
import { type CollectorThread, startCollectorThread } from '../src/workers-index.ts'

const provider = sqliteTestDatabase()
let db: DecnetDatabase
let url: string
let thread: CollectorThread | undefined

beforeEach(async () => {
  ;({ db, url } = await provider.open())
})
afterEach(async () => {
  await thread?.stop()
  thread = undefined
})
afterAll(() => provider.cleanup())

function basicAuthGet(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/manager/html',
        headers: { Authorization: `Basic ${btoa('ops:s3cret')}` },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

function guess(decky: string, n: number): DecoyEvent {
  return {
    ts: new Date().toISOString(),
    decky,
    service: 'ssh',
    event: 'auth_attempt',
    src_ip: '203.0.113.9',
    src_port: 40_000 + n,
    fields: { username: 'root', password: `guess-${n}` },
    secret_fields: ['password'],
  }
}

async function storedRows(decky: string): Promise<number> {
  return (await db.logs.search({ q: `decky:${decky}`, limit: 500 })).rows.length
}

describe('collector thread', () => {
  it('stores local-engine events through its own handle, publishes log.ingested on the API bus, and beats as the collector', async () => {
    const bus = new InProcessBus()
    const ingested: number[] = []
    bus.on('log.ingested', (event) => {
      if (event.type === 'log.ingested') ingested.push(event.payload.count)
    })
    thread = startCollectorThread({
      databaseUrl: url,
      engine: 'local',
      bus,
      ingest: { flushIntervalMs: 20 },
      heartbeatIntervalMs: 50,
    })
    await thread.started()
    expect(thread.threadId()).toBeGreaterThan(mainThreadId)
    const emulator = await startEmulator('http', {
      decky: 'thread-decky',
      bindAddress: '127.0.0.1',
      ports: [0],
      onEvent: thread.eventSink,
    })
    try {
      expect(await basicAuthGet(emulator.ports[0] as number)).toBeGreaterThan(0)
      await expect.poll(() => storedRows('thread-decky'), { timeout: 5_000 }).toBeGreaterThan(0)
    } finally {
      await emulator.close()
    }
    await thread.stop()
    thread = undefined
    const { rows } = await db.logs.search({ q: 'decky:thread-decky' })
    const auth = rows.find((r) => r.eventType === 'auth_attempt')
    expect(auth?.fields).toMatchObject({ username: 'ops', password: 's3cret', secret_fields: ['password'] })
    expect(ingested.reduce((a, b) => a + b, 0)).toBe(rows.length)
    const beat = await db.heartbeats.get('collector')
    expect(beat?.detail).toBe(`stopped; stored ${rows.length}, malformed 0, dropped 0, pending 0`)
  })

  it('stores a burst handed over while it is still loading', async () => {
    thread = startCollectorThread({ databaseUrl: url, engine: 'local', ingest: { flushIntervalMs: 20 } })
    expect(thread.threadId()).toBeUndefined()
    for (let n = 0; n < 3_000; n++) thread.eventSink(guess('burst', n))
    await expect
      .poll(() => db.logs.search({ q: 'decky:burst', limit: 1 }).then((r) => r.total), {
        timeout: 10_000,
      })
      .toBe(3_000)
  })

  it('stopped while still loading, it starts, stores what was handed over, then stops', async () => {
    const loading = startCollectorThread({
      databaseUrl: url,
      engine: 'local',
      ingest: { flushIntervalMs: 20 },
    })
    for (let n = 0; n < 40; n++) loading.eventSink(guess('early-stop', n))
    await loading.stop()
    expect(loading.threadId()).toBeUndefined()
    expect(await storedRows('early-stop')).toBe(40)
  })

  it('a thread that dies is started again, reports why, and keeps storing', async () => {
    const errors: string[] = []
    thread = startCollectorThread({
      databaseUrl: url,
      engine: 'local',
      ingest: { flushIntervalMs: 20 },
      restartDelayMs: 50,
      onError: (error, context) =>
        errors.push(`${context}: ${error instanceof Error ? error.message : error}`),
    })
    await thread.started()
    const first = thread.threadId()
    for (let n = 0; n < 10; n++) thread.eventSink(guess('restarted', n))
    await expect.poll(() => storedRows('restarted'), { timeout: 5_000 }).toBe(10)
    await thread.terminate()
    await expect
      .poll(
        () => {
          const now = thread?.threadId()
          return now !== undefined && now !== first
        },
        { timeout: 10_000 },
      )
      .toBe(true)
    expect(errors).toEqual(['thread: the collector thread exited (code 1)'])
    for (let n = 10; n < 20; n++) thread.eventSink(guess('restarted', n))
    await expect.poll(() => storedRows('restarted'), { timeout: 5_000 }).toBe(20)
  })

  it('events handed over while the thread restarts wait for the new one', async () => {
    thread = startCollectorThread({
      databaseUrl: url,
      engine: 'local',
      ingest: { flushIntervalMs: 20 },
      restartDelayMs: 300,
      onError: () => undefined,
    })
    await thread.started()
    await thread.terminate()
    expect(thread.threadId()).toBeUndefined()
    for (let n = 0; n < 25; n++) thread.eventSink(guess('waiting', n))
    await expect.poll(() => storedRows('waiting'), { timeout: 10_000 }).toBe(25)
  })
})

describe('collector thread: enrolled hosts', () => {
  it('a follow and an unfollow of one host sent together end unfollowed; another host stays followed', async () => {
    const errors: string[] = []
    thread = startCollectorThread({
      databaseUrl: url,
      engine: 'local',
      heartbeatIntervalMs: 50,
      onError: (error, context) =>
        errors.push(`${context}: ${error instanceof Error ? error.message : error}`),
    })
    await thread.started()
    // The local daemon stands in for an enrolled host's (the connection is only data to the thread).
    // Many times over: the unfollow must never miss a follower the follow then starts.
    for (let round = 0; round < 20; round++)
      await Promise.all([thread.followHost('host-a', {}), thread.unfollowHost('host-a')])
    await thread.followHost('host-b', {})
    await expect
      .poll(async () => (await db.heartbeats.get('collector'))?.detail ?? '', { timeout: 5_000 })
      .toMatch(/hosts 1\b/)
    expect(await db.settings.get(collectorBehindSettingKey('host-a'))).toBeUndefined()
    await thread.unfollowHost('host-b')
    await expect
      .poll(async () => (await db.heartbeats.get('collector'))?.detail ?? '', { timeout: 5_000 })
      .not.toMatch(/hosts/)
    // No follower left behind untracked: the thread ends when asked (an open event stream would keep it).
    const stopping = thread
    thread = undefined
    await stopping.stop()
    expect(errors).toEqual([])
  })
})
