import { pickNewServices, seededRandom, workerPausedSettingKey } from '@decnet/core'
import { ConflictError, type DeckyInput, type DecnetDatabase, NotFoundError } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { type BusEvent, InProcessBus } from '../src/index.ts'
import {
  commitMutation,
  GLOBAL_MUTATION_INTERVAL_KEY,
  isWorkerPaused,
  MutatorScheduler,
  startHeartbeat,
  startMutatorWorker,
  type TickReport,
} from '../src/workers-index.ts'

const provider = sqliteTestDatabase()
let db: DecnetDatabase
let bus: InProcessBus
let events: BusEvent[]
let wakes: number

beforeEach(async () => {
  db = (await provider.open()).db
  bus = new InProcessBus()
  events = []
  wakes = 0
  bus.on('decky.*.mutation', (event) => {
    events.push(event)
  })
})

afterAll(() => provider.cleanup())

let ipCounter = 10
async function addDecky(name: string, overrides: Partial<DeckyInput> = {}) {
  await db.fleet.commitDeployPlan({
    create: [
      {
        name,
        ip: `10.9.0.${ipCounter++}`,
        mac: '00:1b:21:00:00:01',
        hostname: `${name}-host`,
        distro: 'debian',
        services: ['ssh', 'http'],
        serviceConfig: { ssh: { password: 'hunter2' }, http: { server_header: 'nginx' } },
        osFamily: 'linux',
        ...overrides,
      },
    ],
  })
  await db.fleet.setState(name, 'running')
  const decky = await db.fleet.get(name)
  if (!decky) throw new Error('decky not created')
  return decky
}

const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000)

function scheduler(
  clock: { now: Date },
  extra: Partial<ConstructorParameters<typeof MutatorScheduler>[0]> = {},
) {
  return new MutatorScheduler({
    db,
    bus,
    wake: () => {
      wakes++
    },
    now: () => clock.now,
    random: seededRandom(7),
    onError: () => undefined,
    ...extra,
  })
}

describe('commitMutation', () => {
  it('commits new services, keeps configs of services that stay, announces and wakes', async () => {
    const decky = await addDecky('alpha')
    // Find a draw that keeps one of the current services, to see its config survive.
    let seed = 0
    while (!pickNewServices(decky, seededRandom(seed)).some((slug) => slug === 'ssh' || slug === 'http'))
      seed++
    const random = seededRandom(seed)
    const result = await commitMutation(
      { db, bus, wake: () => wakes++ },
      decky,
      { trigger: 'operator', actor: 'admin' },
      random,
    )

    expect(result.oldServices).toEqual(['ssh', 'http'])
    expect(result.newServices.length).toBeGreaterThan(0)
    expect(new Set(result.newServices)).not.toEqual(new Set(['ssh', 'http']))
    const row = await db.fleet.get('alpha')
    expect(row?.services).toEqual(result.newServices)
    const kept = Object.keys(row?.serviceConfig ?? {})
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.every((slug) => result.newServices.includes(slug))).toBe(true)
    if (kept.includes('ssh')) expect(row?.serviceConfig.ssh).toEqual({ password: 'hunter2' })
    if (kept.includes('http')) expect(row?.serviceConfig.http).toEqual({ server_header: 'nginx' })
    expect(row?.lastMutatedAt).toBeInstanceOf(Date)

    const [lifecycle] = await db.lifecycle.get([result.lifecycleId])
    expect(lifecycle).toMatchObject({ deckyName: 'alpha', operation: 'mutate', status: 'pending' })
    expect(lifecycle?.payload).toEqual({
      previousServices: ['ssh', 'http'],
      services: result.newServices,
      trigger: 'operator',
      actor: 'admin',
    })
    expect(events.map((e) => [e.topic, e.payload])).toEqual([
      [
        'decky.alpha.mutation',
        {
          decky: 'alpha',
          oldServices: ['ssh', 'http'],
          newServices: result.newServices,
          trigger: 'operator',
          actor: 'admin',
        },
      ],
    ])
    expect(wakes).toBe(1)
  })

  it('commits exactly the confirmed services, refuses ones outside the pool and a stale confirmation', async () => {
    await addDecky('chosen', { archetype: 'web-server' })
    const result = await commitMutation(
      { db, bus },
      'chosen',
      { trigger: 'operator', actor: 'root' },
      seededRandom(1),
      {
        services: ['ftp'],
        expectedServices: ['http', 'ssh'],
      },
    )
    expect(result).toMatchObject({ oldServices: ['ssh', 'http'], newServices: ['ftp'] })
    expect((await db.fleet.get('chosen'))?.services).toEqual(['ftp'])
    const [row] = await db.lifecycle.get([result.lifecycleId])
    expect(row?.payload).toMatchObject({ previousServices: ['ssh', 'http'], services: ['ftp'] })

    // ssh is not in the web-server pool (http, ftp): refused before anything is written.
    await expect(
      commitMutation({ db }, 'chosen', { trigger: 'operator' }, seededRandom(1), { services: ['ssh'] }),
    ).rejects.toMatchObject({ code: 'invalid_input' })
    // Confirmed from ssh+http, but the decky now runs ftp: refused, nothing changes.
    await expect(
      commitMutation({ db }, 'chosen', { trigger: 'operator' }, seededRandom(1), {
        services: ['http'],
        expectedServices: ['ssh', 'http'],
      }),
    ).rejects.toBeInstanceOf(ConflictError)
    expect((await db.fleet.get('chosen'))?.services).toEqual(['ftp'])
    expect((await db.lifecycle.listForDecky('chosen')).map((r) => r.operation)).toEqual(['mutate', 'deploy'])
  })

  it('accepts a name and fails with NotFoundError for an unknown decky', async () => {
    await addDecky('named')
    const result = await commitMutation({ db }, 'named', { trigger: 'operator' }, seededRandom(1))
    expect((await db.fleet.get('named'))?.services).toEqual(result.newServices)
    await expect(commitMutation({ db }, 'ghost', { trigger: 'operator' })).rejects.toBeInstanceOf(
      NotFoundError,
    )
  })
})

describe('MutatorScheduler', () => {
  it('mutates a decky with a 1-minute interval on schedule (injected clock)', async () => {
    const decky = await addDecky('sched', { mutateInterval: 1 })
    const clock = { now: new Date(decky.createdAt.getTime() + 30_000) }
    const mutator = scheduler(clock)

    let report = await mutator.tick()
    expect(report).toMatchObject({ mutated: [], waiting: ['sched'], off: [], deferred: [] })
    expect(report.nextDueInMs).toBe(30_000)

    clock.now = new Date(decky.createdAt.getTime() + 61_000)
    report = await mutator.tick()
    expect(report.mutated.map((m) => m.decky)).toEqual(['sched'])
    const first = await db.fleet.get('sched')
    expect(first?.lastMutatedAt?.getTime()).toBe(clock.now.getTime())
    expect(first?.services).toEqual(report.mutated[0]?.newServices)
    expect(events.at(-1)?.payload).toMatchObject({ decky: 'sched', trigger: 'schedule' })
    expect(wakes).toBe(1)
    // The automatic mutation records from → to on its lifecycle row, as an operator's does.
    const [scheduled] = await db.lifecycle.get([report.mutated[0]?.lifecycleId ?? ''])
    expect(scheduled?.payload).toEqual({
      previousServices: ['ssh', 'http'],
      services: report.mutated[0]?.newServices,
      trigger: 'schedule',
    })

    // Same instant: just mutated, so not due; a minute later it is due again.
    expect((await mutator.tick()).mutated).toEqual([])
    clock.now = minutes(clock.now, 1)
    expect((await mutator.tick()).mutated.map((m) => m.decky)).toEqual(['sched'])
    expect(mutator.stats()).toMatchObject({ ticks: 4, mutated: 2, deferred: 0 })
  })

  it('mutates nothing while an operator paused it (the setting), and catches up once resumed', async () => {
    const decky = await addDecky('held', { mutateInterval: 1 })
    const clock = { now: new Date(decky.createdAt.getTime() + 61_000) }
    const mutator = scheduler(clock, { isPaused: () => isWorkerPaused(db.settings, 'mutator') })
    await db.settings.set(workerPausedSettingKey('mutator'), true)
    const paused = await mutator.tick()
    expect(paused).toMatchObject({ paused: true, mutated: [], waiting: [], deferred: [] })
    expect((await db.fleet.get('held'))?.services).toEqual(['ssh', 'http'])
    expect(events).toEqual([])
    // Another worker's pause is not this one's.
    await db.settings.delete(workerPausedSettingKey('mutator'))
    await db.settings.set(workerPausedSettingKey('reconciler'), true)
    const resumed = await mutator.tick()
    expect(resumed.paused).toBe(false)
    expect(resumed.mutated.map((m) => m.decky)).toEqual(['held'])
  })

  it('defers a decky with recent attacker activity, then mutates once it is quiet', async () => {
    const decky = await addDecky('busy', { mutateInterval: 1 })
    await addDecky('quiet', { mutateInterval: 1 })
    const clock = { now: minutes(decky.createdAt, 10) }
    await db.logs.ingest([
      {
        timestamp: minutes(clock.now, -2),
        decky: 'busy',
        service: 'ssh',
        eventType: 'command',
        attackerIp: '203.0.113.5',
        rawLine: '{}',
        fields: { cmd: 'id' },
      },
    ])
    const mutator = scheduler(clock)
    let report = await mutator.tick()
    expect(report.deferred).toEqual([{ decky: 'busy', reason: 'attacker_active' }])
    expect(report.mutated.map((m) => m.decky)).toEqual(['quiet'])
    expect(mutator.lastDeferred.get('busy')).toEqual({ at: clock.now, reason: 'attacker_active' })
    const untouched = await db.fleet.get('busy')
    expect(untouched?.services).toEqual(['ssh', 'http'])
    expect(untouched?.lastMutatedAt).toBeNull()

    clock.now = minutes(clock.now, 4) // the event is now 6 minutes old: outside the 5-minute window
    report = await mutator.tick()
    expect(report.deferred).toEqual([])
    expect(report.mutated.map((m) => m.decky)).toEqual(['busy', 'quiet'])
    expect(mutator.lastDeferred.has('busy')).toBe(false)
    expect(mutator.stats()).toMatchObject({ deferred: 1, mutated: 3 })
  })

  it('uses the global interval setting, and never mutates when the interval is off', async () => {
    const decky = await addDecky('glob')
    const clock = { now: minutes(decky.createdAt, 60 * 24 * 365) }
    const mutator = scheduler(clock)
    expect(await mutator.tick()).toMatchObject({ off: ['glob'], mutated: [], globalIntervalMinutes: null })

    await db.settings.set(GLOBAL_MUTATION_INTERVAL_KEY, '1m')
    let report = await mutator.tick()
    expect(report.globalIntervalMinutes).toBe(1)
    expect(report.mutated.map((m) => m.decky)).toEqual(['glob'])

    await db.settings.set(GLOBAL_MUTATION_INTERVAL_KEY, null)
    for (const later of [2, 60, 60 * 24 * 30]) {
      clock.now = minutes(clock.now, later)
      report = await mutator.tick()
      expect(report).toMatchObject({ off: ['glob'], mutated: [] })
    }
    await db.settings.set(GLOBAL_MUTATION_INTERVAL_KEY, 'garbage')
    expect((await mutator.tick()).off).toEqual(['glob'])
    expect(mutator.stats().mutated).toBe(1)
  })

  it("prefers the decky's own interval over the global one", async () => {
    const decky = await addDecky('own', { mutateInterval: 60 })
    await db.settings.set(GLOBAL_MUTATION_INTERVAL_KEY, '1m')
    const clock = { now: minutes(decky.createdAt, 30) }
    const mutator = scheduler(clock)
    expect((await mutator.tick()).waiting).toEqual(['own'])
    clock.now = minutes(decky.createdAt, 61)
    expect((await mutator.tick()).mutated.map((m) => m.decky)).toEqual(['own'])
  })

  it('skips a decky whose deploy is still pending', async () => {
    const decky = await addDecky('pend', { mutateInterval: 1 })
    await db.fleet.setState('pend', 'pending')
    const mutator = scheduler({ now: minutes(decky.createdAt, 5) })
    expect((await mutator.tick()).deferred).toEqual([{ decky: 'pend', reason: 'busy' }])
  })

  it('defers a decky whose host does not answer, and mutates it once the host is back', async () => {
    const decky = await addDecky('far', { mutateInterval: 1, hostId: 'edge' })
    const answering = new Set(['local'])
    const mutator = scheduler({ now: minutes(decky.createdAt, 5) }, { answeringHosts: async () => answering })
    expect((await mutator.tick()).deferred).toEqual([{ decky: 'far', reason: 'host_unreachable' }])
    expect((await db.lifecycle.listActive()).filter((row) => row.operation === 'mutate')).toEqual([])
    answering.add('edge')
    expect((await mutator.tick()).mutated.map((m) => m.decky)).toEqual(['far'])
  })

  it('runs on its own timer and reports each tick to the mutator heartbeat', async () => {
    const decky = await addDecky('loop', { mutateInterval: 1 })
    const reports: TickReport[] = []
    const mutator = scheduler(
      { now: minutes(decky.createdAt, 2) },
      { intervalMs: 20, onTick: (r) => reports.push(r) },
    )
    const heartbeat = startHeartbeat({
      db,
      worker: 'mutator',
      intervalMs: 20,
      state: () => ({
        status: 'ok',
        detail: `ticks ${mutator.stats().ticks}, mutated ${mutator.stats().mutated}`,
      }),
    })
    mutator.start()
    await expect.poll(() => reports.length, { timeout: 5_000, interval: 10 }).toBeGreaterThanOrEqual(3)
    await mutator.stop()
    expect(reports[0]?.mutated.map((m) => m.decky)).toEqual(['loop'])
    expect(reports.slice(1).every((r) => r.mutated.length === 0)).toBe(true) // the clock stood still
    await expect
      .poll(async () => (await db.heartbeats.get('mutator'))?.detail, { timeout: 5_000, interval: 10 })
      .toMatch(/mutated 1$/)
    await heartbeat.stop({ status: 'failed', detail: 'stopped' })
    expect(await db.heartbeats.get('mutator')).toMatchObject({
      worker: 'mutator',
      status: 'failed',
      detail: 'stopped',
    })
  })

  it('startMutatorWorker: scheduler on its timer plus a mutator heartbeat naming what it did', async () => {
    const decky = await addDecky('worker', { mutateInterval: 1 })
    const worker = startMutatorWorker({
      db,
      bus,
      now: () => minutes(decky.createdAt, 3),
      random: seededRandom(3),
      intervalMs: 20,
      heartbeatIntervalMs: 20,
    })
    await expect
      .poll(async () => (await db.heartbeats.get('mutator'))?.detail ?? '', { timeout: 5_000, interval: 10 })
      .toMatch(/^ticks \d+, mutated 1, deferred 0, failed 0; /)
    await worker.stop()
    expect(worker.scheduler.stats().mutated).toBe(1)
    const beat = await db.heartbeats.get('mutator')
    expect(beat?.status).toBe('ok')
    expect(beat?.detail).toMatch(/^stopped; ticks \d+, mutated 1, deferred 0, failed 0; last tick /)
    expect(events.filter((e) => e.topic === 'decky.worker.mutation')).toHaveLength(1)
  })
})
