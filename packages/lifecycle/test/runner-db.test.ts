import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase, type TestDatabase } from '@decnet/db/testing'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import {
  type BusEvent,
  deckySpecFor,
  InProcessBus,
  type LifecycleExecutor,
  LifecycleRunner,
  LocalEngine,
} from '../src/index.ts'

let provider: TestDatabase
let db: DecnetDatabase

beforeAll(async () => {
  provider = sqliteTestDatabase()
  ;({ db } = await provider.open())
})

afterAll(async () => {
  await provider.cleanup()
})

const decky = (name: string, ip: string, services: string[]) => ({
  name,
  ip,
  mac: '00:1b:21:00:00:01',
  hostname: `${name}-host`,
  distro: 'debian',
  services,
  osFamily: 'linux',
})

describe('LifecycleRunner over the real lifecycle table (SQLite)', () => {
  it('takes committed deploy and mutate rows to succeeded/failed in order and publishes every transition', async () => {
    const bus = new InProcessBus()
    const events: BusEvent[] = []
    bus.on('decky.*.lifecycle', (event) => {
      events.push(event)
    })
    const engine = new LocalEngine({ onEvent: () => {} })
    // What apps/api's executor does, minus the Decky.state bookkeeping.
    const execute: LifecycleExecutor = async (row) => {
      if (row.operation === 'teardown') return engine.teardown(row.deckyName)
      const current = await db.fleet.get(row.deckyName)
      if (!current) throw new Error(`decky ${row.deckyName} is no longer in the fleet`)
      const spec = deckySpecFor(current)
      await (row.operation === 'mutate' ? engine.mutate(spec) : engine.deploy(spec))
    }
    const runner = new LifecycleRunner({
      queue: db.lifecycle,
      bus,
      pollIntervalMs: 20,
      execute,
    })
    const { lifecycleIds } = await db.fleet.commitDeployPlan({
      create: [decky('web-01', '10.9.0.10', ['ssh', 'http']), decky('bad-01', '10.9.0.11', ['gopher'])],
    })
    const { lifecycleId: mutateId } = await db.fleet.commitMutation('web-01', ['ssh', 'ftp'], { ftp: {} })
    const settled = async () => {
      // A completion deadline, not a speed check: the decoy worker starts slowly on a loaded machine.
      const deadline = Date.now() + 60_000
      while ((await db.lifecycle.listActive()).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    runner.start()
    // A failure here must not leave this runner claiming the next test's rows.
    onTestFinished(async () => {
      await runner.stop()
      await engine.close()
    })
    await settled()
    // The rows first: when one failed, its error says why.
    expect((await db.lifecycle.get([lifecycleIds[0] ?? '', mutateId])).map((row) => row.error)).toEqual([
      null,
      null,
    ])
    expect((await engine.observe()).find((o) => o.name === 'web-01')?.services).toEqual({
      ssh: 'running',
      ftp: 'running',
    })
    const { lifecycleIds: teardownIds } = await db.fleet.commitDeployPlan({ remove: ['web-01'] })
    runner.wake()
    await settled()
    await runner.stop()

    const rows = await db.lifecycle.get([...lifecycleIds, mutateId, ...teardownIds])
    const byId = new Map(rows.map((row) => [row.id, row]))
    expect(byId.get(lifecycleIds[0] ?? '')).toMatchObject({ status: 'succeeded', attempt: 1, error: null })
    expect(byId.get(lifecycleIds[1] ?? '')).toMatchObject({
      status: 'failed',
      error: "Error: decky bad-01: unknown service 'gopher'",
    })
    expect(byId.get(mutateId)).toMatchObject({ status: 'succeeded', operation: 'mutate' })
    expect(byId.get(teardownIds[0] ?? '')).toMatchObject({ status: 'succeeded', operation: 'teardown' })
    expect(await engine.observe(['web-01'])).toEqual([
      { name: 'web-01', state: 'missing', services: {}, problems: ['not running'] },
    ])

    await new Promise((resolve) => setTimeout(resolve, 20))
    const web = events
      .filter((e) => e.topic === 'decky.web-01.lifecycle')
      .map((e) => (e.type === 'lifecycle' ? `${e.payload.operation}:${e.payload.status}` : ''))
    expect(web).toEqual([
      'deploy:running',
      'deploy:succeeded',
      'mutate:running',
      'mutate:succeeded',
      'teardown:running',
      'teardown:succeeded',
    ])
    const bad = events.filter((e) => e.topic === 'decky.bad-01.lifecycle').map((e) => e.payload)
    // Each published transition carries the id of the event row persisted with it.
    const badEvents = await db.lifecycle.eventsAfter([lifecycleIds[1] ?? ''], 0)
    expect(badEvents.map((e) => e.status)).toEqual(['pending', 'running', 'failed'])
    expect(bad).toEqual([
      {
        lifecycleId: lifecycleIds[1],
        decky: 'bad-01',
        operation: 'deploy',
        status: 'running',
        eventId: badEvents[1]?.id,
      },
      {
        lifecycleId: lifecycleIds[1],
        decky: 'bad-01',
        operation: 'deploy',
        status: 'failed',
        error: "Error: decky bad-01: unknown service 'gopher'",
        eventId: badEvents[2]?.id,
      },
    ])
    // Every published transition of every row, in publish order, has a strictly increasing event id.
    const published = events.map((e) => (e.type === 'lifecycle' ? (e.payload.eventId ?? 0) : 0))
    expect(published.every((id, i) => id > 0 && (i === 0 || id > (published[i - 1] ?? 0)))).toBe(true)
  }, 150_000)
})

describe('one runner per host', () => {
  it('each host`s runner runs only its rows, each under its own concurrency limit', async () => {
    const bus = new InProcessBus()
    const ran = new Map<string, string[]>()
    const inFlight = new Map<string, number>()
    const peak = new Map<string, number>()
    const runnerFor = (hostId: string, concurrency: number) =>
      new LifecycleRunner({
        queue: db.lifecycle,
        bus,
        hostId,
        concurrency,
        pollIntervalMs: 20,
        execute: async (row) => {
          ran.set(hostId, [...(ran.get(hostId) ?? []), row.deckyName])
          inFlight.set(hostId, (inFlight.get(hostId) ?? 0) + 1)
          peak.set(hostId, Math.max(peak.get(hostId) ?? 0, inFlight.get(hostId) ?? 0))
          await new Promise((resolve) => setTimeout(resolve, 30))
          inFlight.set(hostId, (inFlight.get(hostId) ?? 0) - 1)
        },
      })
    const create = [
      ...[1, 2, 3, 4].map((n) => decky(`loc-${n}`, `10.8.0.${n + 1}`, ['ssh'])),
      ...[1, 2, 3, 4].map((n) => ({ ...decky(`edge-${n}`, `10.8.0.${n + 1}`, ['ssh']), hostId: 'edge' })),
    ]
    await db.fleet.commitDeployPlan({ create })
    const local = runnerFor('local', 1)
    const edge = runnerFor('edge', 3)
    local.start()
    edge.start()
    const deadline = Date.now() + 60_000
    while ((await db.lifecycle.listActive()).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await Promise.all([local.stop(), edge.stop()])
    expect(ran.get('local')?.sort()).toEqual(['loc-1', 'loc-2', 'loc-3', 'loc-4'])
    expect(ran.get('edge')?.sort()).toEqual(['edge-1', 'edge-2', 'edge-3', 'edge-4'])
    expect(peak.get('local')).toBe(1)
    expect(peak.get('edge')).toBe(3)
  }, 90_000)
})
