import { randomUUID } from 'node:crypto'
import type { Bus, BusHandler, SubscribeOptions } from './bus.ts'
import type { BusEvent, BusMessage } from './events.ts'
import { type BusErrorReporter, Fanout } from './fanout.ts'

export function stampEvent(message: BusMessage): BusEvent {
  return { ...message, v: 1, id: randomUUID(), ts: new Date().toISOString() } as BusEvent
}

const logHandlerError: BusErrorReporter = (error, event) => {
  console.error(`bus: subscriber failed on ${event.topic}:`, error)
}

/** The default bus: one process, synchronous enqueue, per-subscriber delivery. */
export class InProcessBus implements Bus {
  private readonly fanout: Fanout

  constructor({ onError = logHandlerError }: { onError?: BusErrorReporter } = {}) {
    this.fanout = new Fanout(onError)
  }

  publish(message: BusMessage): void {
    this.fanout.deliver(stampEvent(message))
  }

  subscribe(pattern: string, options?: SubscribeOptions): AsyncIterable<BusEvent> {
    return this.fanout.subscribe(pattern, options)
  }

  on(pattern: string, handler: BusHandler): () => void {
    return this.fanout.on(pattern, handler)
  }

  async close(): Promise<void> {
    this.fanout.closeAll()
  }

  /** Live subscriptions (for tests and diagnostics). */
  get subscriberCount(): number {
    return this.fanout.size
  }
}
