import type { BusHandler, SubscribeOptions } from './bus.ts'
import type { BusEvent } from './events.ts'
import { assertPattern, topicMatches } from './topics.ts'

const DEFAULT_BUFFER = 1000

export type BusErrorReporter = (error: unknown, event: BusEvent) => void

/** One subscriber's private queue: a slow or failing consumer only ever delays itself. */
class SubscriberQueue {
  private readonly buffer: BusEvent[] = []
  private waiter: ((result: IteratorResult<BusEvent>) => void) | undefined
  private closed = false
  dropped = 0

  constructor(
    readonly pattern: string,
    private readonly capacity: number,
    private readonly onReady?: () => void,
  ) {}

  push(event: BusEvent): void {
    if (this.closed) return
    if (this.waiter) {
      const resolve = this.waiter
      this.waiter = undefined
      resolve({ value: event, done: false })
      return
    }
    this.buffer.push(event)
    if (this.buffer.length > this.capacity) {
      this.buffer.shift()
      this.dropped++
    }
    this.onReady?.()
  }

  take(): BusEvent | undefined {
    return this.buffer.shift()
  }

  next(): Promise<IteratorResult<BusEvent>> {
    const event = this.buffer.shift()
    if (event) return Promise.resolve({ value: event, done: false })
    if (this.closed) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve) => {
      this.waiter = resolve
    })
  }

  close(): void {
    this.closed = true
    this.buffer.length = 0
    const resolve = this.waiter
    this.waiter = undefined
    resolve?.({ value: undefined, done: true })
  }
}

/** Local delivery of events to pattern subscribers; the transport-independent half of every bus. */
export class Fanout {
  private readonly subscribers = new Set<SubscriberQueue>()

  constructor(private readonly reportError: BusErrorReporter) {}

  deliver(event: BusEvent): void {
    for (const subscriber of this.subscribers) {
      if (topicMatches(subscriber.pattern, event.topic)) subscriber.push(event)
    }
  }

  /** Registers immediately (not on first `next()`), so nothing published after this call is missed. */
  subscribe(
    pattern: string,
    { signal, bufferSize = DEFAULT_BUFFER }: SubscribeOptions = {},
  ): AsyncIterable<BusEvent> {
    assertPattern(pattern)
    const queue = new SubscriberQueue(pattern, bufferSize)
    const stop = () => {
      queue.close()
      this.subscribers.delete(queue)
      signal?.removeEventListener('abort', stop)
    }
    if (signal?.aborted) queue.close()
    else {
      this.subscribers.add(queue)
      signal?.addEventListener('abort', stop, { once: true })
    }
    const iterator: AsyncIterableIterator<BusEvent> = {
      next: () => queue.next(),
      return: async () => {
        stop()
        return { value: undefined, done: true }
      },
      [Symbol.asyncIterator]: () => iterator,
    }
    return iterator
  }

  on(pattern: string, handler: BusHandler): () => void {
    assertPattern(pattern)
    let draining = false
    const drain = async () => {
      draining = true
      for (let event = queue.take(); event; event = queue.take()) {
        try {
          await handler(event)
        } catch (error) {
          this.reportError(error, event)
        }
      }
      draining = false
    }
    // Handlers run on a later microtask, never inside publish(): a slow handler cannot stall the publisher.
    const queue = new SubscriberQueue(pattern, DEFAULT_BUFFER, () => {
      if (!draining) queueMicrotask(drain)
    })
    this.subscribers.add(queue)
    return () => {
      queue.close()
      this.subscribers.delete(queue)
    }
  }

  closeAll(): void {
    for (const subscriber of this.subscribers) subscriber.close()
    this.subscribers.clear()
  }

  get size(): number {
    return this.subscribers.size
  }
}
