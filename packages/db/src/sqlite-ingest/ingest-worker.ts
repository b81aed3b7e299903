// A SQLite handle's ingest writer: the worker thread (writer-thread.ts) that owns the ingest write
// connection, spawned on the first batch and again after it died. The handle still runs every write
// under its mutex (client.ts), so the worker's transactions never contend with this process's other
// writes; reads have their own connections and never wait for either (WAL).
import { Worker } from 'node:worker_threads'
import { tsWorkerSource } from '@decnet/core/ts-worker'
import type { IngestWrite } from '../repos/ingest-write.ts'
import type { LockWaits } from '../sqlite.ts'
import type { FromWorker, IngestWorkerData, ToWorker } from './protocol.ts'

/** The worker's bootstrap (writer-thread.ts, through tsx while it is TypeScript). */
function workerSource(): string {
  return tsWorkerSource(new URL('./writer-thread.ts', import.meta.url).href)
}

type Waiter = { resolve(ids: number[]): void; reject(error: Error): void }

/**
 * Log row values posted per message: copying a message blocks this thread, ~0.3 µs per value, so a
 * 5,000-event batch (50,000 values) goes over in slices with a turn of the event loop between them.
 */
const HANDOVER_VALUES = 5000

export class IngestWorker {
  #worker: Worker | undefined
  #closing: Promise<void> | undefined
  readonly #waiters = new Map<number, Waiter>()
  #nextId = 1
  #endLockWait: (() => void) | undefined

  constructor(
    private readonly file: string,
    private readonly waits: LockWaits,
  ) {}

  /** Commits one prepared batch in one transaction; resolves with its Log ids in batch order. */
  async write(batch: IngestWrite): Promise<number[]> {
    if (this.#closing) throw new Error('the ingest worker is closed')
    const worker = this.#spawn()
    const id = this.#nextId++
    const written = new Promise<number[]>((resolve, reject) => {
      this.#waiters.set(id, { resolve, reject })
    })
    // The thread may die while the slices go over: the caller sees that rejection once they are sent.
    written.catch(() => undefined)
    // A write in flight keeps the process alive; an idle worker does not.
    worker.ref()
    const { logValues, ...rest } = batch
    for (let start = 0; start < logValues.length; start += HANDOVER_VALUES) {
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve))
      const values = logValues.slice(start, start + HANDOVER_VALUES)
      worker.postMessage({ type: 'rows', id, values } satisfies ToWorker)
    }
    worker.postMessage({ type: 'write', id, batch: rest } satisfies ToWorker)
    return written
  }

  /** Lets the batch in flight finish, closes the worker's connection and ends the thread. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing
    const worker = this.#worker
    this.#closing = worker
      ? new Promise<void>((resolve) => {
          worker.once('exit', () => resolve())
          worker.ref()
          worker.postMessage({ type: 'close' } satisfies ToWorker)
        })
      : Promise.resolve()
    return this.#closing
  }

  #spawn(): Worker {
    if (this.#worker) return this.#worker
    const workerData: IngestWorkerData = { file: this.file }
    const worker = new Worker(workerSource(), { eval: true, workerData })
    worker.unref()
    let lastError: Error | undefined
    worker.on('message', (message: FromWorker) => this.#receive(worker, message))
    worker.on('error', (error) => {
      lastError = error
    })
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = undefined
      this.#endLockWait?.()
      this.#endLockWait = undefined
      // Whatever was in flight has no answer: the pipeline retries it (a batch that committed just
      // before the thread died would then be stored twice; the thread only dies on a crash).
      const error = lastError ?? new Error(`the ingest worker exited (code ${code})`)
      for (const waiter of this.#waiters.values()) waiter.reject(error)
      this.#waiters.clear()
    })
    this.#worker = worker
    return worker
  }

  #receive(worker: Worker, message: FromWorker): void {
    switch (message.type) {
      case 'lock-wait':
        this.#endLockWait?.()
        this.#endLockWait = message.waiting ? this.waits.begin() : undefined
        return
      case 'closed':
        return
      case 'written':
      case 'failed': {
        const waiter = this.#waiters.get(message.id)
        this.#waiters.delete(message.id)
        if (this.#waiters.size === 0) worker.unref()
        if (message.type === 'written') waiter?.resolve(message.ids)
        else waiter?.reject(Object.assign(new Error(message.error.message), { code: message.error.code }))
      }
    }
  }
}
