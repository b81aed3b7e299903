import { afterEach, describe, expect, it } from 'vitest'
import { type BusEvent, InProcessBus, LifecycleRunner, type LifecycleRunnerOptions } from '../src/index.ts'
import { MemoryQueue } from './support/memory-queue.ts'

const runners: LifecycleRunner[] = []
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function setup(execute: LifecycleRunnerOptions['execute'], options: Partial<LifecycleRunnerOptions> = {}) {
  const queue = new MemoryQueue()
  const bus = new InProcessBus()
  const events: BusEvent[] = []
  bus.on('decky.*.lifecycle', (event) => {
    events.push(event)
  })
  const runner = new LifecycleRunner({ queue, bus, execute, pollIntervalMs: 20, ...options })
  runners.push(runner)
  const transitions = () =>
    events.map((e) => (e.type === 'lifecycle' ? `${e.payload.lifecycleId}:${e.payload.status}` : e.type))
  return { queue, bus, runner, events, transitions }
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(10)
  }
}

describe('LifecycleRunner', () => {
  it('drives rows running → succeeded | failed, persisting before publishing, with capped error text', async () => {
    const { queue, runner, events, transitions } = setup(async (row) => {
      if (row.deckyName === 'bad') throw new Error(`docker says no: ${'x'.repeat(5000)}`)
    })
    const good = queue.add('good')
    const bad = queue.add('bad')
    runner.start()
    await until(() => events.length === 4)
    expect(transitions().filter((t) => t.startsWith(good.id))).toEqual([
      `${good.id}:running`,
      `${good.id}:succeeded`,
    ])
    expect(transitions().filter((t) => t.startsWith(bad.id))).toEqual([
      `${bad.id}:running`,
      `${bad.id}:failed`,
    ])
    expect(queue.rows.map((r) => r.status)).toEqual(['succeeded', 'failed'])
    const failed = events.find((e) => e.type === 'lifecycle' && e.payload.status === 'failed')
    expect(failed?.topic).toBe('decky.bad.lifecycle')
    const error = failed?.type === 'lifecycle' ? (failed.payload.error ?? '') : ''
    expect(error.startsWith('Error: docker says no: xxx')).toBe(true)
    expect(error).toHaveLength(2000)
    expect(queue.rows[1]?.error).toBe(error)
  })

  it('runs at most `concurrency` rows at once, and one decky’s rows strictly in order', async () => {
    let active = 0
    let peak = 0
    const order: string[] = []
    const { queue, runner } = setup(
      async (row) => {
        active++
        peak = Math.max(peak, active)
        order.push(`${row.deckyName}:${row.operation}:start`)
        await sleep(40)
        order.push(`${row.deckyName}:${row.operation}:end`)
        active--
      },
      { concurrency: 4 },
    )
    for (let i = 0; i < 8; i++) queue.add(`d${i}`)
    queue.add('d0', 'mutate')
    queue.add('d0', 'teardown')
    runner.start()
    await until(() => queue.rows.every((r) => r.status === 'succeeded'))
    expect(peak).toBe(4)
    const d0 = order.filter((entry) => entry.startsWith('d0:'))
    expect(d0).toEqual([
      'd0:deploy:start',
      'd0:deploy:end',
      'd0:mutate:start',
      'd0:mutate:end',
      'd0:teardown:start',
      'd0:teardown:end',
    ])
  })

  it('re-runs a row whose runner died (expired lease), and fails it after the attempt limit', async () => {
    const ran: string[] = []
    const { queue, runner, transitions } = setup(async (row) => {
      ran.push(`${row.id}#${row.attempt}`)
    })
    const resumed = queue.add('crashed', 'deploy', {
      status: 'running',
      attempt: 1,
      leaseOwner: 'dead',
      leaseUntil: 0,
    })
    const exhausted = queue.add('doomed', 'deploy', {
      status: 'running',
      attempt: 3,
      leaseOwner: 'dead',
      leaseUntil: 0,
    })
    const held = queue.add('busy', 'deploy', {
      status: 'running',
      attempt: 1,
      leaseOwner: 'alive',
      leaseUntil: Date.now() + 60_000,
    })
    runner.start()
    await until(() => queue.rows[0]?.status === 'succeeded')
    expect(ran).toEqual([`${resumed.id}#2`])
    expect(queue.rows[1]).toMatchObject({ status: 'failed', error: 'lease expired 3 times' })
    expect(transitions()).toContain(`${exhausted.id}:failed`)
    expect(queue.rows[2]).toMatchObject({ status: 'running', leaseOwner: 'alive' })
    expect(transitions().some((t) => t.startsWith(held.id))).toBe(false)
  })

  it('renews the lease of a long operation so no other runner takes the row', async () => {
    const runs: string[] = []
    const execute: LifecycleRunnerOptions['execute'] = async (row) => {
      runs.push(row.id)
      await sleep(2000)
    }
    const { queue, bus, runner } = setup(execute, { leaseMs: 1000, renewEveryMs: 100, owner: 'first' })
    const rival = new LifecycleRunner({
      queue,
      bus,
      execute,
      leaseMs: 200,
      pollIntervalMs: 20,
      owner: 'second',
    })
    runners.push(rival)
    queue.add('slow')
    runner.start()
    await until(() => runs.length === 1)
    rival.start()
    await until(() => queue.rows[0]?.status === 'succeeded')
    expect(runs).toHaveLength(1)
    expect(queue.rows[0]?.attempt).toBe(1)
  })

  it('stop({ abandon: true }) aborts the operations in flight, which then record nothing', async () => {
    const signals: AbortSignal[] = []
    const { queue, runner, transitions } = setup(async (_row, signal) => {
      signals.push(signal)
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
    })
    const row = queue.add('stuck')
    runner.start()
    await until(() => signals.length === 1)
    await runner.stop({ abandon: true })
    expect(signals[0]?.aborted).toBe(true)
    expect(queue.rows[0]?.status).toBe('running') // left for whoever failed it (the host went away)
    expect(transitions()).toEqual([`${row.id}:running`])
  })

  it('a failing queue (database down) is reported and the loop keeps going', async () => {
    const errors: unknown[] = []
    const { queue, runner } = setup(async () => {}, { onError: (error) => errors.push(error) })
    const claim = queue.claim.bind(queue)
    let failures = 2
    queue.claim = async (request) => {
      if (failures-- > 0) throw new Error('database is locked')
      return claim(request)
    }
    queue.add('later')
    runner.start()
    await until(() => queue.rows[0]?.status === 'succeeded')
    expect(errors.map(String)).toEqual(['Error: database is locked', 'Error: database is locked'])
  })
})
