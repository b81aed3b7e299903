import type { DeckyState } from '@decnet/core'
import { personaForLegacyDecky } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import {
  type BusEvent,
  type DeckyObservation,
  type FleetStateStore,
  InProcessBus,
  LocalEngine,
  type ObservedDeckyState,
  Reconciler,
} from '../src/index.ts'

/** Deckies without services: these tests are about states, not emulators. */
const noEmulator = { startService: async () => ({ ports: [], close: async () => {} }) }

/** The in-process engine answering `observe` with what the test scripts (which may throw). */
function scriptedEngine(observe: () => DeckyObservation[]): LocalEngine {
  return new (class extends LocalEngine {
    override async observe(): Promise<DeckyObservation[]> {
      return observe()
    }
  })(noEmulator)
}

/** The in-process engine with a controllable observation, so states can be forced without Docker. */
class ObservedEngine extends LocalEngine {
  constructor(private readonly actual: Map<string, DeckyObservation['state']>) {
    super(noEmulator)
  }

  override async observe(expected: Iterable<string> = []): Promise<DeckyObservation[]> {
    const names = new Set([...this.actual.keys(), ...expected])
    return [...names].map((name) => ({
      name,
      state: this.actual.get(name) ?? 'missing',
      services: {},
      problems: [],
    }))
  }
}

function store(initial: Record<string, DeckyState>): FleetStateStore & { states: Map<string, DeckyState> } {
  const states = new Map(Object.entries(initial))
  return {
    states,
    list: async () => [...states].map(([name, state]) => ({ name, state })),
    setState: async (name: string, state: ObservedDeckyState) => {
      states.set(name, state)
    },
  }
}

describe('Reconciler', () => {
  it('records and publishes each drift once, leaves converged and operation-owned deckies alone', async () => {
    const actual = new Map<string, DeckyObservation['state']>([
      ['healthy', 'up'],
      ['broken', 'degraded'],
      ['recovered', 'up'],
      ['deploying', 'degraded'],
      ['failed-op', 'up'],
    ])
    const fleet = store({
      healthy: 'running',
      broken: 'running',
      gone: 'running',
      recovered: 'degraded',
      deploying: 'pending',
      'failed-op': 'failed',
    })
    const bus = new InProcessBus()
    const events: BusEvent[] = []
    bus.on('decky.*.state', (event) => {
      events.push(event)
    })
    const reconciler = new Reconciler({ engine: new ObservedEngine(actual), store: fleet, bus })

    const first = await reconciler.runOnce()
    expect(first.changed).toEqual([
      { name: 'broken', from: 'running', to: 'degraded' },
      { name: 'gone', from: 'running', to: 'missing' },
      { name: 'recovered', from: 'degraded', to: 'running' },
    ])
    expect(Object.fromEntries(fleet.states)).toMatchObject({
      healthy: 'running',
      broken: 'degraded',
      gone: 'missing',
      recovered: 'running',
      deploying: 'pending',
      'failed-op': 'failed',
    })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(events.map((e) => [e.topic, e.type === 'state' ? e.payload : null])).toEqual([
      ['decky.broken.state', { decky: 'broken', state: 'degraded', previousState: 'running' }],
      ['decky.gone.state', { decky: 'gone', state: 'missing', previousState: 'running' }],
      ['decky.recovered.state', { decky: 'recovered', state: 'running', previousState: 'degraded' }],
    ])

    const second = await reconciler.runOnce()
    expect(second.changed).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(events).toHaveLength(3)
  })

  it('a decky missing one of its desired service containers is degraded even though the rest is up', async () => {
    const engine = scriptedEngine((): DeckyObservation[] => [
      { name: 'half', state: 'up', services: { ssh: 'running' }, problems: [] },
      { name: 'whole', state: 'up', services: { ssh: 'running', http: 'running' }, problems: [] },
    ])
    const states = new Map<string, DeckyState>([
      ['half', 'running'],
      ['whole', 'running'],
    ])
    const reconciler = new Reconciler({
      engine,
      bus: new InProcessBus(),
      store: {
        list: async () => [...states].map(([name, state]) => ({ name, state, services: ['ssh', 'http'] })),
        setState: async (name, state) => {
          states.set(name, state)
        },
      },
    })
    const pass = await reconciler.runOnce()
    expect(pass.changed).toEqual([{ name: 'half', from: 'running', to: 'degraded' }])
    expect(Object.fromEntries(states)).toEqual({ half: 'degraded', whole: 'running' })
  })

  it('reaps orphans of the engine when asked, keeping the deckies the table knows', async () => {
    const engine = new LocalEngine(noEmulator)
    const spec = (name: string) => ({
      name,
      ip: '198.18.0.1',
      mac: '00:1b:21:00:00:01',
      hostname: name,
      osFamily: 'linux',
      sysctls: {},
      services: [{ slug: 'ssh', ports: [], config: {} }],
      seed: name,
      persona: personaForLegacyDecky({
        name,
        osFamily: 'linux',
        services: ['ssh'],
        hostname: name,
        mac: '00:1b:21:00:00:01',
      }),
    })
    await engine.deploy(spec('kept'))
    await engine.deploy(spec('orphan'))
    const reconcilerWith = (reapMinAgeMs?: number) =>
      new Reconciler({
        engine,
        store: store({ kept: 'running' }),
        bus: new InProcessBus(),
        reap: true,
        ...(reapMinAgeMs === undefined ? {} : { reapMinAgeMs }),
      })
    // By default a decky deployed a moment ago is spared: its row may be newer than the list read.
    expect((await reconcilerWith().runOnce()).reaped?.containersRemoved).toEqual([])
    const pass = await reconcilerWith(0).runOnce()
    expect(pass.reaped).toEqual({ containersRemoved: ['orphan.ssh'], networksRemoved: [], errors: [] })
    expect((await engine.observe()).map((o) => o.name)).toEqual(['kept'])
    await engine.close()
  })
})

describe('Reconciler repairs', () => {
  function repairingStore(initial: Record<string, DeckyState>, { bare = false } = {}) {
    const states = new Map(Object.entries(initial))
    const errors = new Map<string, string | null>()
    const requests: { name: string; attempt: number; maxAttempts: number; reason: string }[] = []
    const fleetStore: FleetStateStore = {
      // A bare listing carries names and states only: no desired services, no last error.
      list: async () =>
        [...states].map(([name, state]) =>
          bare
            ? { name, state }
            : { name, state, services: ['ssh', 'http'], lastError: errors.get(name) ?? null },
        ),
      setState: async (name, state, lastError = null) => {
        states.set(name, state)
        errors.set(name, lastError)
      },
      requestRepair: async (name, request) => {
        requests.push({ name, ...request })
      },
    }
    return { states, errors, requests, store: fleetStore }
  }

  /** Repairs once, at once: the next broken pass gives up. */
  const oneAttemptReconciler = (engine: LocalEngine, store: FleetStateStore) =>
    new Reconciler({
      engine,
      bus: new InProcessBus(),
      store,
      repair: { maxAttempts: 1, backoffMs: 0, confirmMs: 0 },
    })

  it('queues a bounded repair for a broken decky, backs off between attempts, gives up with a reason', async () => {
    let now = 1_000_000
    const engine = scriptedEngine((): DeckyObservation[] => [
      { name: 'half', state: 'up', services: { ssh: 'running' }, problems: [] },
      { name: 'fine', state: 'up', services: { ssh: 'running', http: 'running' }, problems: [] },
    ])
    const fleet = repairingStore({ half: 'running', fine: 'running' })
    const reconciler = new Reconciler({
      engine,
      bus: new InProcessBus(),
      store: fleet.store,
      repair: { maxAttempts: 2, backoffMs: 10_000, confirmMs: 0 },
      now: () => now,
    })
    const first = await reconciler.runOnce()
    expect(first.repairs).toEqual(['half'])
    expect(fleet.states.get('half')).toBe('degraded')
    expect(fleet.errors.get('half')).toBe('http container missing')
    expect(fleet.requests).toEqual([
      { name: 'half', attempt: 1, maxAttempts: 2, reason: 'http container missing' },
    ])
    // Within the back-off: nothing more is queued.
    now += 9_000
    expect((await reconciler.runOnce()).repairs).toEqual([])
    now += 2_000
    expect((await reconciler.runOnce()).repairs).toEqual(['half'])
    // The second wait is twice as long.
    now += 15_000
    expect((await reconciler.runOnce()).repairs).toEqual([])
    // The runner recorded the second repair's failure on the decky.
    await fleet.store.setState('half', 'degraded', 'repair failed: start container http: no space left')
    now += 6_000
    const last = await reconciler.runOnce()
    expect(last.repairs).toEqual([])
    expect(last.gaveUp).toEqual(['half'])
    expect(fleet.states.get('half')).toBe('degraded')
    expect(fleet.errors.get('half')).toBe(
      'automatic repair gave up after 2 attempts: repair failed: start container http: no space left',
    )
    expect(reconciler.health().status).toBe('degraded')
    // Given up stays given up (no third request, no rewrite) until the decky is seen healthy.
    now += 100_000
    const after = await reconciler.runOnce()
    expect(after.gaveUp).toEqual([])
    expect(fleet.requests).toHaveLength(2)
    expect(fleet.errors.get('half')).toMatch(/^automatic repair gave up after 2 attempts: repair failed/)
    // Torn down (gone from the table): nothing is left degraded on its account.
    fleet.states.delete('half')
    await reconciler.runOnce()
    expect(reconciler.health().status).toBe('ok')
  })

  it('a given-up decky whose state then changes keeps the give-up in its reason', async () => {
    const actual: DeckyObservation = {
      name: 'gone',
      state: 'degraded',
      services: {},
      problems: ['ssh exited'],
    }
    const engine = scriptedEngine(() => [actual])
    const fleet = repairingStore({ gone: 'running' }, { bare: true })
    const reconciler = oneAttemptReconciler(engine, fleet.store)
    await reconciler.runOnce()
    expect((await reconciler.runOnce()).gaveUp).toEqual(['gone'])
    actual.state = 'missing'
    actual.problems = ['no containers']
    const pass = await reconciler.runOnce()
    expect(pass.changed).toEqual([{ name: 'gone', from: 'degraded', to: 'missing' }])
    expect(pass.repairs).toEqual([])
    expect(fleet.errors.get('gone')).toBe('automatic repair gave up after 1 attempt: no containers')
  })

  it('a decky seen healthy again starts a fresh series of attempts', async () => {
    const actual: DeckyObservation = { name: 'flaky', state: 'degraded', services: {}, problems: ['x'] }
    const engine = scriptedEngine(() => [actual])
    const fleet = repairingStore({ flaky: 'running' }, { bare: true })
    const reconciler = oneAttemptReconciler(engine, fleet.store)
    await reconciler.runOnce()
    await reconciler.runOnce()
    expect(fleet.requests.map((request) => request.attempt)).toEqual([1])
    actual.state = 'up'
    await reconciler.runOnce()
    expect(fleet.states.get('flaky')).toBe('running')
    actual.state = 'degraded'
    await reconciler.runOnce()
    expect(fleet.requests.map((request) => request.attempt)).toEqual([1, 1])
  })

  it('a daemon going down (containers exited, then no answer) is not repaired; a breakage seen for confirmMs is', async () => {
    // What a reconciler sees of a Docker daemon stopping: every container exited while it still
    // answers, then nothing. Repairing then would remove and recreate containers on a leaving daemon.
    let now = 1_000_000
    let seen: 'exited' | 'down' | 'up' = 'exited'
    const engine = scriptedEngine((): DeckyObservation[] => {
      if (seen === 'down') throw new Error('connect ECONNREFUSED 127.0.0.1:2376')
      return seen === 'up'
        ? [{ name: 'a', state: 'up', services: { ssh: 'running', http: 'running' }, problems: [] }]
        : [
            {
              name: 'a',
              state: 'degraded',
              services: { ssh: 'exited', http: 'exited' },
              problems: ['base container exited'],
            },
          ]
    })
    const fleet = repairingStore({ a: 'running' })
    const reconciler = new Reconciler({
      engine,
      bus: new InProcessBus(),
      store: fleet.store,
      repair: { maxAttempts: 3, backoffMs: 30_000, confirmMs: 5_000 },
      now: () => now,
    })
    // Recorded as it is at once; no repair yet.
    expect((await reconciler.runOnce()).repairs).toEqual([])
    expect(fleet.states.get('a')).toBe('degraded')
    now += 4_000
    expect((await reconciler.runOnce()).repairs).toEqual([])
    // The daemon stops answering: what was seen before does not count any more.
    seen = 'down'
    now += 2_000
    await expect(reconciler.runOnce()).rejects.toThrow(/ECONNREFUSED/)
    // Back, with the containers still exited (say Docker could not start one): the wait starts again.
    seen = 'exited'
    now += 1_000
    expect((await reconciler.runOnce()).repairs).toEqual([])
    now += 4_999
    expect((await reconciler.runOnce()).repairs).toEqual([])
    now += 1
    expect((await reconciler.runOnce()).repairs).toEqual(['a'])
    expect(fleet.requests).toEqual([
      { name: 'a', attempt: 1, maxAttempts: 3, reason: 'base container exited' },
    ])
    // Healthy again, then a blip shorter than confirmMs: nothing is queued.
    seen = 'up'
    now += 1_000
    await reconciler.runOnce()
    expect(fleet.states.get('a')).toBe('running')
    seen = 'exited'
    now += 1_000
    expect((await reconciler.runOnce()).repairs).toEqual([])
    seen = 'up'
    now += 1_000
    expect((await reconciler.runOnce()).repairs).toEqual([])
    expect(fleet.requests).toHaveLength(1)
  })

  it('records unknown while the engine cannot be asked, and the real state once it answers', async () => {
    let down = true
    const engine = scriptedEngine(() => {
      if (down) throw new Error('connect ENOENT /var/run/docker.sock')
      return [{ name: 'a', state: 'up', services: {}, problems: [] }]
    })
    const fleet = repairingStore({ a: 'running', b: 'failed' }, { bare: true })
    const reconciler = new Reconciler({ engine, bus: new InProcessBus(), store: fleet.store })
    await expect(reconciler.runOnce()).rejects.toThrow(/ENOENT/)
    expect(Object.fromEntries(fleet.states)).toEqual({ a: 'unknown', b: 'failed' })
    expect(fleet.errors.get('a')).toMatch(/^engine cannot be asked: connect ENOENT/)
    expect(reconciler.health().status).toBe('degraded')
    down = false
    await reconciler.runOnce()
    expect(fleet.states.get('a')).toBe('running')
    expect(fleet.errors.get('a')).toBeNull()
    expect(reconciler.health().status).toBe('ok')
  })
})
