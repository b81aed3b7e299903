import type { BusEvent, BusMessage } from './events.ts'

export type SubscribeOptions = {
  /** Ends the iteration (and the subscription) when aborted. */
  signal?: AbortSignal
  /**
   * Events buffered for a consumer that is slower than the publisher; beyond it the oldest are dropped
   * (best effort: the database stays the truth). Default 1000.
   */
  bufferSize?: number
}

export type BusHandler = (event: BusEvent) => void | Promise<void>

/**
 * Best-effort publish/subscribe. `publish` never throws because of a subscriber and never waits for
 * one; each subscriber sees the events of a topic in publish order. Implementations: in-process
 * (`InProcessBus`), Postgres LISTEN/NOTIFY (`PostgresBus`).
 */
export interface Bus {
  publish(message: BusMessage): void
  /** Async iterable of matching events (usable as a tRPC subscription); stops when `signal` aborts or the loop breaks. */
  subscribe(pattern: string, options?: SubscribeOptions): AsyncIterable<BusEvent>
  /** Callback form; returns the unsubscribe function. Handler errors are reported to the bus's `onError`, never rethrown. */
  on(pattern: string, handler: BusHandler): () => void
  close(): Promise<void>
}
