// The collector through 1,000 stop/start cycles of a container against a Docker-API stand-in
// (seconds, no daemon): every start's line arrives once, the follower parks and wakes each time,
// and no wait leaves a listener behind. The same run against the real daemon is in
// collector-docker.test.ts.
import { getEventListeners } from 'node:events'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { afterAll, expect, it } from 'vitest'
import type { Wakeup } from '../src/collector/reconnect.ts'
import { DockerLogCollector, IngestPipeline } from '../src/workers-index.ts'
import { DockerApiStandIn } from './support/docker-api-stand-in.ts'

const provider = sqliteTestDatabase()
afterAll(() => provider.cleanup())

it('1,000 stop/start cycles: each start followed once, no listener warning, flat listener counts', async () => {
  const warnings: Error[] = []
  const onWarning = (warning: Error) => warnings.push(warning)
  process.on('warning', onWarning)
  const daemon = new DockerApiStandIn()
  await daemon.listen()
  try {
    const { db } = await provider.open()
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 20 })
    const col = new DockerLogCollector({
      pipeline,
      settings: db.settings,
      connection: { dockerHost: daemon.dockerHost },
      instance: 'cycles',
      rescanIntervalMs: 60_000,
      reconnectInitialMs: 50,
      reconnectMaxMs: 200,
      onError: () => undefined,
    })
    const decky = 'cycles-decky'
    // Another instance's container, never followed: the one label filter keeps it out.
    daemon.create({
      'decnet.managed': 'true',
      'decnet.instance': 'other',
      'decnet.decky': 'x',
      'decnet.service': 'http',
    })
    const id = daemon.create({
      'decnet.managed': 'true',
      'decnet.instance': 'cycles',
      'decnet.decky': decky,
      'decnet.service': 'http',
    })
    await col.start()
    const internals = col as unknown as {
      abort: AbortController
      followers: Map<string, { life: AbortController; wakeup: Wakeup }>
    }
    const collectorSignal = internals.abort.signal
    const follower = internals.followers.get(id)
    if (!follower) throw new Error('the stopped container is not followed')
    expect(col.containers).toEqual([id])
    const followerSignal = follower.life.signal
    const cycles = 1000
    const collectorCounts: number[] = []
    const followerCounts: number[] = []
    const started = Date.now()
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const event = JSON.stringify({
        ts: new Date().toISOString(),
        decky,
        service: 'http',
        event: 'request',
        src_ip: '192.0.2.7',
        src_port: 4000,
        fields: { cycle },
      })
      daemon.start(id, event)
      await expect.poll(() => col.stats().lines, { timeout: 10_000, interval: 1 }).toBe(cycle)
      daemon.stop(id)
      // Sampled in the same state every cycle: the follower parked on the stopped container.
      await expect.poll(() => follower.wakeup.waiting, { timeout: 10_000, interval: 1 }).toBe(true)
      expect(internals.followers.get(id)?.life.signal).toBe(followerSignal)
      followerCounts.push(getEventListeners(followerSignal, 'abort').length)
      collectorCounts.push(getEventListeners(collectorSignal, 'abort').length)
    }
    const wallMs = Date.now() - started
    await col.stop()
    await pipeline.close()
    await new Promise((resolve) => setImmediate(resolve)) // process.emitWarning delivers on the next tick
    console.log(
      `collector ${cycles} stop/start cycles (API stand-in): ${(wallMs / 1000).toFixed(1)} s; ${daemon.calls.get('logs')} log streams, ${daemon.calls.get('inspect')} inspects`,
    )
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
    expect(new Set(followerCounts)).toEqual(new Set([1])) // its one wait, never one per stop
    expect(new Set(collectorCounts)).toEqual(new Set([0])) // followers never listen on the collector's signal
    expect(getEventListeners(followerSignal, 'abort')).toHaveLength(0) // stop() ended the last wait
    expect(col.stats()).toMatchObject({ lines: cycles, reconnects: cycles, containers: 0 })
    const { rows } = await db.logs.search({ q: `decky:${decky}`, limit: 1000 })
    expect(rows.map((r) => r.fields.cycle as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: cycles }, (_, i) => i + 1),
    )
  } finally {
    process.off('warning', onWarning)
    await daemon.close()
  }
}, 120_000)
