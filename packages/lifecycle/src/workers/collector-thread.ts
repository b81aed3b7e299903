/**
 * The collector worker in a thread of its own. Following Docker logs, parsing lines, preparing ingest
 * batches and handing them to the database are CPU work that, on the API's thread, queued every
 * request behind them (reads at 7–20× their idle p99 while ingesting at full rate). The thread opens
 * its own database handle; the API's thread keeps only the bridge: the local engine's in-process
 * events go over in batches, `log.ingested` comes back onto the API's bus, and enrolled hosts are
 * followed by sending their connection (plain data).
 *
 * A thread that dies (an uncaught fault) is started again after a backoff and follows the same hosts;
 * the Docker followers resume from their stored positions, so only events still in its memory queue
 * can be lost, as with a process crash.
 */
import { Worker } from 'node:worker_threads'
import { tsWorkerSource } from '@decnet/core/ts-worker'
import type { DecoyEvent, EventSink } from '@decnet/decoys'
import type { Bus } from '../bus/bus.ts'
import type { DockerConnection } from '../engine/docker-client.ts'
import type {
  CollectorThreadData,
  FromCollectorThread,
  ToCollectorThread,
} from './collector-thread-protocol.ts'
import type { CollectorWorker } from './collector-worker.ts'

/** What the API uses of a collector, in this thread or in its own. */
export type CollectorHandle = Pick<CollectorWorker, 'eventSink' | 'followHost' | 'unfollowHost' | 'stop'>

export type CollectorThreadOptions = CollectorThreadData & {
  bus?: Pick<Bus, 'publish'>
  onError?: (error: unknown, context: string) => void
  /** First restart delay after the thread died, doubled per failure in a row up to 30 s (default 1 s). */
  restartDelayMs?: number
}

/** Local-engine events held while the thread (re)starts; beyond this they are dropped and counted. */
const MAX_WAITING_EVENTS = 20_000
const MAX_RESTART_DELAY_MS = 30_000
/** A thread that stayed up this long before dying starts the backoff again from its first delay. */
const STABLE_MS = 60_000
/** How long stop() lets a loading thread start, and a stopping one store its queue, before ending it. */
const STOP_LOAD_WAIT_MS = 10_000
const STOP_EXIT_WAIT_MS = 30_000

type Waiter = { resolve(): void; reject(error: Error): void }

/** A promise with its settle functions outside (Node 20 has no Promise.withResolvers). */
function deferred<T>() {
  let resolve: (value: T) => void = () => {}
  let reject: (error: Error) => void = () => {}
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/**
 * Starts the thread and returns at once: it takes a second or two to load, and the API need not wait
 * for it (events handed over meanwhile wait for it). A thread that cannot start is reported and tried
 * again like one that died.
 */
export function startCollectorThread(options: CollectorThreadOptions): CollectorThread {
  return new CollectorThread(options)
}

export class CollectorThread implements CollectorHandle {
  /** The thread started last (ready or still loading); undefined between a death and the restart. */
  #current: Worker | undefined
  /** `#current` once it answered `ready`. */
  #worker: Worker | undefined
  #ready = deferred<Worker>()
  #stopping: Promise<void> | undefined
  #failuresInARow = 0
  #readyAt = 0
  #restartTimer: NodeJS.Timeout | undefined
  #nextId = 1
  readonly #waiters = new Map<number, Waiter>()
  /** Enrolled hosts followed, given to every new thread. */
  readonly #followed = new Map<string, DockerConnection>()
  #events: DecoyEvent[] = []
  #flushing = false
  #dropped = 0

  constructor(private readonly options: CollectorThreadOptions) {
    this.#spawn()
  }

  /** Resolves when a thread is ready (the current one, or the next after a death). */
  started(): Promise<Worker> {
    return this.#ready.promise
  }

  /** The running thread's id (a new id after each restart); undefined while none is ready. */
  threadId(): number | undefined {
    return this.#worker?.threadId
  }

  /** The local engine's sink: synchronous, batched per turn of the event loop. */
  readonly eventSink: EventSink = (event) => {
    if (this.#events.length >= MAX_WAITING_EVENTS) {
      this.#dropped++
      return
    }
    this.#events.push(event)
    if (this.#flushing) return
    this.#flushing = true
    setImmediate(() => {
      this.#flushing = false
      this.#flush()
    })
  }

  async followHost(hostId: string, connection: DockerConnection): Promise<void> {
    if (this.#stopping) return
    this.#followed.set(hostId, connection)
    // A thread still loading follows it once ready.
    const worker = this.#worker
    if (worker) await this.#send(worker, { type: 'follow', id: this.#nextId++, hostId, connection })
  }

  async unfollowHost(hostId: string): Promise<void> {
    this.#followed.delete(hostId)
    const worker = this.#worker
    if (worker) await this.#send(worker, { type: 'unfollow', id: this.#nextId++, hostId })
  }

  /**
   * Ends the running thread at once, as a fatal fault in it would (what the restart is for; used by
   * its test). Events still queued in it are lost; Docker followers resume from their positions.
   */
  async terminate(): Promise<void> {
    await this.#current?.terminate()
  }

  /**
   * Lets a loading thread start (up to 10 s), then stops it: everything handed over is stored. A
   * thread that does not end within 30 s is ended, and whatever it still held is reported lost.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    clearTimeout(this.#restartTimer)
    const current = this.#current
    const within = <T>(ms: number, work: Promise<T>) =>
      Promise.race([work, new Promise<'late'>((resolve) => setTimeout(resolve, ms, 'late').unref())])
    if (current && this.#worker !== current) {
      const exited = new Promise<'exited'>((resolve) => current.once('exit', () => resolve('exited')))
      const outcome = await within(STOP_LOAD_WAIT_MS, Promise.race([this.#ready.promise, exited]))
      if (outcome !== current) await current.terminate()
    }
    const worker = this.#worker
    if (!worker) {
      this.#reportLost('the collector stopped while its thread was down')
      return
    }
    this.#flush()
    const exited = new Promise<'exited'>((resolve) => worker.once('exit', () => resolve('exited')))
    this.#send(worker, { type: 'stop', id: this.#nextId++ }).catch((error: unknown) =>
      this.#report(error, 'stop'),
    )
    if ((await within(STOP_EXIT_WAIT_MS, exited)) === 'late') {
      this.#report(
        new Error(`the collector thread did not stop within ${STOP_EXIT_WAIT_MS} ms; ended`),
        'stop',
      )
      await worker.terminate()
    }
  }

  /** Events handed over that no thread will store. */
  #reportLost(why: string): void {
    const lost = this.#events.length + this.#dropped
    this.#events = []
    this.#dropped = 0
    if (lost > 0) this.#report(new Error(`${why}: ${lost} local-engine event(s) lost`), 'events')
  }

  #flush(): void {
    const worker = this.#worker
    if (!worker || this.#events.length === 0) return
    worker.postMessage({ type: 'events', events: this.#events } satisfies ToCollectorThread)
    this.#events = []
    if (this.#dropped > 0) {
      this.#report(
        new Error(`${this.#dropped} local-engine event(s) dropped while the thread was down`),
        'events',
      )
      this.#dropped = 0
    }
  }

  #send(worker: Worker, message: Extract<ToCollectorThread, { id: number }>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiters.set(message.id, { resolve, reject })
      worker.postMessage(message)
    })
  }

  #report(error: unknown, context: string): void {
    if (this.options.onError) this.options.onError(error, context)
    else console.error(`collector: ${context}:`, error instanceof Error ? error.message : error)
  }

  #spawn(): void {
    const { bus, onError: _onError, restartDelayMs: _restartDelayMs, ...workerData } = this.options
    const worker = new Worker(tsWorkerSource(new URL('./collector-thread-entry.ts', import.meta.url).href), {
      eval: true,
      workerData: workerData satisfies CollectorThreadData,
    })
    this.#current = worker
    let lastError: Error | undefined
    worker.on('message', (message: FromCollectorThread) => {
      switch (message.type) {
        case 'ready':
          this.#becameReady(worker)
          return
        case 'bus':
          bus?.publish(message.message)
          return
        case 'error':
          this.#report(new Error(message.message), message.context)
          return
        case 'done': {
          const waiter = this.#waiters.get(message.id)
          this.#waiters.delete(message.id)
          if (message.error) waiter?.reject(new Error(message.error))
          else waiter?.resolve()
        }
      }
    })
    worker.on('error', (error) => {
      lastError = error
    })
    worker.on('exit', (code) =>
      this.#exited(worker, lastError ?? new Error(`the collector thread exited (code ${code})`)),
    )
  }

  #becameReady(worker: Worker): void {
    this.#worker = worker
    this.#readyAt = Date.now()
    this.#ready.resolve(worker)
    for (const [hostId, connection] of this.#followed)
      this.#send(worker, { type: 'follow', id: this.#nextId++, hostId, connection }).catch((error: unknown) =>
        this.#report(error, `follow ${hostId}`),
      )
    this.#flush()
  }

  /** A thread ended: unless stopping, report it and start another after the backoff. */
  #exited(worker: Worker, reason: Error): void {
    for (const waiter of this.#waiters.values()) waiter.reject(reason)
    this.#waiters.clear()
    if (this.#current !== worker) return
    this.#current = undefined
    if (this.#worker === worker) {
      this.#worker = undefined
      this.#ready = deferred<Worker>()
      // Only a thread that ran a while resets the backoff: one that dies soon after loading each time
      // would otherwise be restarted every first delay forever.
      if (Date.now() - this.#readyAt >= STABLE_MS) this.#failuresInARow = 0
    }
    if (this.#stopping) return
    this.#report(reason, 'thread')
    const delay = Math.min(
      (this.options.restartDelayMs ?? 1_000) * 2 ** this.#failuresInARow,
      MAX_RESTART_DELAY_MS,
    )
    this.#failuresInARow++
    this.#restartTimer = setTimeout(() => this.#spawn(), delay)
    this.#restartTimer.unref()
  }
}
