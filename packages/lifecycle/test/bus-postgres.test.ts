import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BusEvent, PostgresBus, topics } from '../src/index.ts'
import { startPostgres } from './support/postgres.ts'

let server: Awaited<ReturnType<typeof startPostgres>>
const buses: PostgresBus[] = []

beforeAll(async () => {
  server = await startPostgres()
}, 60_000)

afterAll(async () => {
  for (const bus of buses) await bus.close()
  server?.stop()
})

async function connect(onError?: (error: unknown) => void): Promise<PostgresBus> {
  const bus = await PostgresBus.connect({
    connectionString: server.url,
    channel: 'decnet_test',
    ...(onError ? { onError } : {}),
  })
  buses.push(bus)
  return bus
}

async function take(stream: AsyncIterable<BusEvent>, count: number): Promise<BusEvent[]> {
  const events: BusEvent[] = []
  for await (const event of stream) {
    events.push(event)
    if (events.length === count) break
  }
  return events
}

describe('PostgresBus (LISTEN/NOTIFY)', () => {
  it('carries events between two processes in publish order, to the publisher too', async () => {
    const api1 = await connect()
    const api2 = await connect()
    const remote = take(api2.subscribe('decky.*.lifecycle'), 20)
    const local = take(api1.subscribe('decky.web-01.>'), 20)
    api1.publish({ topic: 'log.ingested', type: 'log.ingested', payload: { count: 1 } })
    for (let i = 0; i < 20; i++) {
      api1.publish({
        topic: topics.deckyLifecycle('web-01'),
        type: 'lifecycle',
        payload: { lifecycleId: `id-${i}`, decky: 'web-01', operation: 'deploy', status: 'running' },
      })
    }
    const expected = Array.from({ length: 20 }, (_, i) => `id-${i}`)
    const ids = (events: BusEvent[]) =>
      events.map((e) => (e.type === 'lifecycle' ? e.payload.lifecycleId : e.type))
    expect(ids(await remote)).toEqual(expected)
    expect(ids(await local)).toEqual(expected)
  })

  it('a throwing subscriber does not affect the others', async () => {
    const errors: unknown[] = []
    const bus = await connect((error) => errors.push(error))
    bus.on('decky.>', () => {
      throw new Error('boom')
    })
    const received = take(bus.subscribe('decky.*.state'), 1)
    bus.publish({
      topic: topics.deckyState('db-01'),
      type: 'state',
      payload: { decky: 'db-01', state: 'degraded' },
    })
    expect(await received).toMatchObject([{ topic: 'decky.db-01.state', payload: { state: 'degraded' } }])
    await bus.flush()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(errors).toHaveLength(1)
  })

  it('survives its connections being killed: publish never throws, the listener comes back', async () => {
    const transportErrors: unknown[] = []
    const bus = await PostgresBus.connect({
      connectionString: server.url,
      channel: 'decnet_test',
      onTransportError: (error) => transportErrors.push(error),
    })
    buses.push(bus)
    const admin = new pg.Client({ connectionString: server.url })
    await admin.connect()
    try {
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()',
      )
    } finally {
      await admin.end()
    }
    const abort = new AbortController()
    const stream = bus.subscribe('decky.*.state', { signal: abort.signal })
    const publish = (n: number) =>
      bus.publish({
        topic: topics.deckyState('db-02'),
        type: 'state',
        payload: { decky: 'db-02', state: n % 2 === 0 ? 'running' : 'degraded' },
      })
    // Keep publishing until events flow again (the listener reconnects after about a second).
    let n = 0
    const ticker = setInterval(() => publish(n++), 100)
    try {
      const [event] = await take(stream, 1)
      expect(event?.topic).toBe('decky.db-02.state')
    } finally {
      clearInterval(ticker)
      abort.abort()
    }
    expect(transportErrors.length).toBeGreaterThan(0)
  })
})
