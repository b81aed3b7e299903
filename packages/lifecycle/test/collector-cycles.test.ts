// The collector against a Docker-API stand-in (seconds, no daemon): 1,000 stop/start cycles of a
// container, where every start's line arrives once, the follower parks and wakes each time and no
// wait leaves a listener behind; and both kinds of stream (logs, events) reconnecting through the
// one reconnect loop. The cycle run against the real daemon is in collector-docker.test.ts.
import { getEventListeners } from 'node:events'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { afterAll, expect, it } from 'vitest'
import { DockerLogCollector, IngestPipeline } from '../src/workers-index.ts'
import { DockerApiStandIn } from './support/docker-api-stand-in.ts'
import { runStopStartCycles } from './support/stop-start-cycles.ts'

const labels = (instance: string, decky: string) => ({
  'decnet.managed': 'true',
  'decnet.instance': instance,
  'decnet.decky': decky,
  'decnet.service': 'http',
})

const event = (decky: string, seq: number) =>
  JSON.stringify({
    ts: new Date().toISOString(),
    decky,
    service: 'http',
    event: 'request',
    src_ip: '192.0.2.7',
    src_port: 4000,
    fields: { seq },
  })

const provider = sqliteTestDatabase()
afterAll(() => provider.cleanup())

/** A collector of instance `instance` on the stand-in daemon, quick to reconnect, slow to rescan. */
async function collectorOn(daemon: DockerApiStandIn, instance: string) {
  const { db } = await provider.open()
  const pipeline = new IngestPipeline({ db, flushIntervalMs: 20 })
  const col = new DockerLogCollector({
    pipeline,
    settings: db.settings,
    connection: { dockerHost: daemon.dockerHost },
    instance,
    rescanIntervalMs: 60_000,
    reconnectInitialMs: 50,
    reconnectMaxMs: 200,
    onError: () => undefined,
  })
  return { db, pipeline, col }
}

it('1,000 stop/start cycles: each start followed once, no listener warning, flat listener counts', async () => {
  const daemon = new DockerApiStandIn()
  await daemon.listen()
  try {
    const { db, pipeline, col } = await collectorOn(daemon, 'cycles')
    const decky = 'cycles-decky'
    // Another instance's container, never followed: the one label filter keeps it out.
    daemon.create(labels('other', 'x'))
    const id = daemon.create(labels('cycles', decky))
    await col.start()
    expect(col.containers).toEqual([id])
    const cycles = 1000
    const samples = await runStopStartCycles({
      collector: col,
      containerId: id,
      cycles,
      start: (cycle) => daemon.start(id, event(decky, cycle)),
      stop: () => daemon.stop(id),
      pollIntervalMs: 1,
      timeoutMs: 10_000,
      finish: async () => {
        await col.stop()
        await pipeline.close()
      },
    })
    console.log(
      `collector ${cycles} stop/start cycles (API stand-in): ${(samples.wallMs / 1000).toFixed(1)} s; ${daemon.calls.get('logs')} log streams, ${daemon.calls.get('inspect')} inspects`,
    )
    expect(samples.listenerWarnings).toEqual([])
    expect(new Set(samples.followerCounts)).toEqual(new Set([1])) // its one wait, never one per stop
    expect(new Set(samples.collectorCounts)).toEqual(new Set([0])) // followers never listen on the collector's signal
    expect(getEventListeners(samples.followerSignal, 'abort')).toHaveLength(0) // stop() ended the last wait
    expect(col.stats()).toMatchObject({ lines: cycles, reconnects: cycles, containers: 0 })
    const { rows } = await db.logs.search({ q: `decky:${decky}`, limit: 1000 })
    expect(rows.map((r) => r.fields.seq as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: cycles }, (_, i) => i + 1),
    )
  } finally {
    await daemon.close()
  }
}, 120_000)

it('log and event streams cut under it reconnect through the one loop: nothing lost, nothing twice', async () => {
  const daemon = new DockerApiStandIn()
  await daemon.listen()
  try {
    const { db, pipeline, col } = await collectorOn(daemon, 'drops')
    const first = daemon.create(labels('drops', 'first-decky'))
    daemon.start(first, event('first-decky', 1))
    await col.start()
    await expect.poll(() => col.stats().lines).toBe(1)
    for (let drop = 1; drop <= 3; drop++) {
      daemon.dropStreams()
      // Printed while no stream is open: read again from the position once the follower reconnects.
      daemon.print(first, event('first-decky', drop + 1))
      await expect.poll(() => col.stats().lines).toBe(drop + 1)
    }
    // Started while the event stream is cut: its start event is lost, the scan after reconnecting finds it.
    daemon.dropStreams()
    const second = daemon.create(labels('drops', 'second-decky'))
    daemon.start(second, event('second-decky', 1))
    await expect.poll(() => col.containers.sort()).toEqual([first, second].sort())
    await expect.poll(() => col.stats().lines).toBe(5)
    // Each cut: one reconnection of each stream, and the line at the position read again and skipped.
    await expect
      .poll(() => col.stats())
      .toMatchObject({ reconnects: 4, eventStreamReconnects: 4, skippedOnResume: 4 })
    await col.stop()
    await pipeline.close()
    expect(daemon.calls.get('events')).toBe(5)
    const { rows } = await db.logs.search({ q: 'service:http', limit: 100 })
    expect(rows.map((r) => `${r.decky}/${r.fields.seq}`).sort()).toEqual([
      'first-decky/1',
      'first-decky/2',
      'first-decky/3',
      'first-decky/4',
      'second-decky/1',
    ])
  } finally {
    await daemon.close()
  }
})
