import type { Bus, BusEvent } from '@decnet/lifecycle'

export type LifecycleTransition = {
  seq: number
  lifecycleId: string
  status: 'pending' | 'running' | 'succeeded' | 'failed'
  error: string | null
  at: Date
}

/**
 * Numbers every lifecycle transition seen on the bus and keeps the most recent ones, so a
 * subscriber that reconnects with its last event id gets exactly the transitions it missed.
 */
export class LifecycleFeed {
  private readonly recent: LifecycleTransition[] = []
  private readonly listeners = new Set<(transition: LifecycleTransition) => void>()
  private nextSeq = 1
  private readonly unsubscribe: () => void

  constructor(
    bus: Bus,
    private readonly capacity = 10_000,
  ) {
    this.unsubscribe = bus.on('decky.*.lifecycle', (event) => this.record(event))
  }

  /** The sequence number of the latest transition recorded (0 before any). */
  get lastSeq(): number {
    return this.nextSeq - 1
  }

  private record(event: BusEvent): void {
    if (event.type !== 'lifecycle') return
    const transition: LifecycleTransition = {
      seq: this.nextSeq++,
      lifecycleId: event.payload.lifecycleId,
      status: event.payload.status,
      error: event.payload.error ?? null,
      at: new Date(event.ts),
    }
    this.recent.push(transition)
    if (this.recent.length > this.capacity) this.recent.shift()
    for (const listener of this.listeners) listener(transition)
  }

  /** Buffered transitions after `seq` for `ids`; null when the buffer no longer reaches back that far. */
  since(seq: number, ids: ReadonlySet<string>): LifecycleTransition[] | null {
    const oldest = this.recent[0]
    if (oldest && oldest.seq > seq + 1) return null
    return this.recent.filter((transition) => transition.seq > seq && ids.has(transition.lifecycleId))
  }

  /**
   * Live transitions for `ids` until `signal` aborts. The listener is registered by this call (not on
   * first iteration), so a caller can subscribe, then read a snapshot, and miss nothing in between.
   */
  watch(ids: ReadonlySet<string>, signal: AbortSignal | undefined): AsyncIterable<LifecycleTransition> {
    const queue: LifecycleTransition[] = []
    let wake: (() => void) | undefined
    const listener = (transition: LifecycleTransition) => {
      if (!ids.has(transition.lifecycleId)) return
      queue.push(transition)
      wake?.()
    }
    const onAbort = () => wake?.()
    this.listeners.add(listener)
    signal?.addEventListener('abort', onAbort)
    const stop = () => {
      this.listeners.delete(listener)
      signal?.removeEventListener('abort', onAbort)
    }
    async function* drain(): AsyncGenerator<LifecycleTransition> {
      try {
        while (!signal?.aborted) {
          const next = queue.shift()
          if (next) {
            yield next
            continue
          }
          await new Promise<void>((resolve) => {
            wake = resolve
          })
          wake = undefined
        }
      } finally {
        stop()
      }
    }
    return drain()
  }

  close(): void {
    this.unsubscribe()
    this.listeners.clear()
  }
}
