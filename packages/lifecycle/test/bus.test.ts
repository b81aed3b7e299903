import { describe, expect, it } from 'vitest'
import { type BusEvent, InProcessBus, topicMatches, topics } from '../src/index.ts'

const lifecycle = (decky: string, status: 'running' | 'succeeded', lifecycleId = 'l1') =>
  ({
    topic: topics.deckyLifecycle(decky),
    type: 'lifecycle',
    payload: { lifecycleId, decky, operation: 'deploy', status },
  }) as const

describe('topicMatches', () => {
  it.each([
    ['decky.*.lifecycle', 'decky.web-01.lifecycle', true],
    ['decky.*.lifecycle', 'decky.web-01.mutation', false],
    ['decky.*.lifecycle', 'decky.a.b.lifecycle', false],
    ['decky.>', 'decky.web-01.lifecycle', true],
    ['decky.>', 'decky', false],
    ['>', 'log.ingested', true],
    ['*', 'log.ingested', false],
    ['log.ingested', 'log.ingested', true],
    ['log.*', 'log.ingested', true],
    ['log.ingested.*', 'log.ingested', false],
    ['decky.*', 'decky.web-01.state', false],
    ['*.*.state', 'decky.web-01.state', true],
  ])('%s vs %s → %s', (pattern, topic, expected) => {
    expect(topicMatches(pattern, topic)).toBe(expected)
  })

  it('topic builders reject segments that would break matching', () => {
    expect(() => topics.deckyLifecycle('a.b')).toThrow(/invalid bus topic segment/)
    expect(() => topics.deckyState('*')).toThrow()
    expect(() => topics.deckyMutation('')).toThrow()
  })

  it('subscribe rejects malformed patterns', () => {
    const bus = new InProcessBus()
    expect(() => bus.subscribe('decky.>.x')).toThrow(/invalid bus subscription pattern/)
    expect(() => bus.on('decky..x', () => {})).toThrow()
  })
})

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(condition()).toBe(true)
}

describe('InProcessBus', () => {
  it('delivers events of a topic in publish order to an async-iterable subscriber', async () => {
    const bus = new InProcessBus()
    const abort = new AbortController()
    const stream = bus.subscribe('decky.*.lifecycle', { signal: abort.signal })
    for (let i = 0; i < 50; i++) bus.publish(lifecycle('web-01', 'running', `id-${i}`))
    bus.publish({ topic: 'log.ingested', type: 'log.ingested', payload: { count: 3 } })
    const seen: string[] = []
    for await (const event of stream) {
      if (event.type === 'lifecycle') seen.push(event.payload.lifecycleId)
      if (seen.length === 50) abort.abort()
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `id-${i}`))
    expect(bus.subscriberCount).toBe(0)
  })

  it('ends a pending iteration when the signal aborts, and break unsubscribes', async () => {
    const bus = new InProcessBus()
    const abort = new AbortController()
    const stream = bus.subscribe('>', { signal: abort.signal })[Symbol.asyncIterator]()
    const pending = stream.next()
    abort.abort()
    await expect(pending).resolves.toEqual({ value: undefined, done: true })

    const second = bus.subscribe('decky.>')
    bus.publish(lifecycle('a', 'running'))
    for await (const event of second) {
      expect(event.topic).toBe('decky.a.lifecycle')
      break
    }
    expect(bus.subscriberCount).toBe(0)
  })

  it('a throwing or slow subscriber affects neither the publisher nor the other subscribers', async () => {
    const errors: unknown[] = []
    const bus = new InProcessBus({ onError: (error) => errors.push(error) })
    const fast: string[] = []
    let slowCount = 0
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    bus.on('decky.>', () => {
      throw new Error('boom')
    })
    bus.on('decky.>', async () => {
      await gate
      slowCount++
    })
    bus.on('decky.*.lifecycle', (event) => {
      if (event.type === 'lifecycle') fast.push(event.payload.status)
    })
    bus.publish(lifecycle('a', 'running'))
    bus.publish(lifecycle('a', 'succeeded'))
    // Handlers never run inside publish(): the publisher is back before any of them started.
    expect(fast).toEqual([])
    await until(() => fast.length === 2)
    expect(fast).toEqual(['running', 'succeeded'])
    expect(errors).toHaveLength(2)
    expect(slowCount).toBe(0)
    release()
    await until(() => slowCount === 2)
  })

  it('drops the oldest events for a consumer that falls behind its buffer instead of growing without bound', async () => {
    const bus = new InProcessBus()
    const abort = new AbortController()
    const stream = bus.subscribe('>', { signal: abort.signal, bufferSize: 3 })
    for (let i = 0; i < 10; i++) bus.publish(lifecycle('a', 'running', `id-${i}`))
    const seen: BusEvent[] = []
    for await (const event of stream) {
      seen.push(event)
      if (seen.length === 3) abort.abort()
    }
    expect(seen.map((event) => (event.type === 'lifecycle' ? event.payload.lifecycleId : ''))).toEqual([
      'id-7',
      'id-8',
      'id-9',
    ])
    expect(seen[0]).toMatchObject({ v: 1, topic: 'decky.a.lifecycle' })
    expect(typeof seen[0]?.id).toBe('string')
  })
})
