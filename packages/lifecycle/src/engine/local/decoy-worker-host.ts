/**
 * Runs the local engine's emulators in one worker thread instead of the API's own thread, and keeps
 * it running: a fault no emulator caught (uncaught exception, unhandled rejection, heap exhaustion)
 * ends the worker only; the host logs it, starts a fresh worker after a backoff and starts every
 * service again on the same address and ports. Restarts are bounded: after `maxRestarts` within
 * `windowMs` the host gives up and reports the deckies degraded instead of crash-looping.
 *
 * One worker for the whole engine, not one per decky: a worker with ssh + http costs ~60 MiB RSS
 * for the first decky and ~32 MiB more per additional worker, against ~0 for another decky in a
 * shared one (and a child process ~80 MiB each). The price is that one decoy fault restarts every
 * local decky's listeners (about a second without answers).
 */
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { tsWorkerSource } from '@decnet/core/ts-worker'
import type { EventSink, RunningEmulator, StartEmulatorOptions } from '@decnet/decoys'
import type {
  DeckyWorkerData,
  FromWorker,
  ToWorker,
  WorkerServiceOptions,
} from '@decnet/decoys/decky-worker-protocol'

/** A decoy fault the host recovered from (`restarting`) or stopped recovering from (`gave_up`). */
export type DecoyFault = {
  kind: 'restarting' | 'gave_up'
  /** What ended the worker: the uncaught error's message, or its exit code. */
  reason: string
  /** Restarts within the current window, this one included. */
  restarts: number
  /** Deckies whose listeners were down (and come back unless `gave_up`). */
  deckies: string[]
  delayMs?: number
}

export type DecoyWorkerHostOptions = {
  onEvent?: EventSink
  /** Default: one JSON line on stderr per fault. */
  onFault?: (fault: DecoyFault) => void
  /** First restart delay, doubled per restart in the window up to `maxDelayMs` (defaults 250 ms, 10 s). */
  initialDelayMs?: number
  maxDelayMs?: number
  /** Restarts allowed within `windowMs` before giving up (defaults 5 in 60 s). */
  maxRestarts?: number
  windowMs?: number
  /** Heap cap of the worker: a leaking decoy is restarted instead of exhausting the API's memory. */
  maxHeapMb?: number
  /** Test fixtures: extra emulators by slug → module URL (see `DeckyWorkerData`). */
  extraEmulators?: Record<string, string>
}

type Service = { slug: string; options: WorkerServiceOptions }
type Waiter = { resolve(message: FromWorker): void; reject(error: Error): void }

const require = createRequire(import.meta.url)

/** The worker's bootstrap: the decky worker module, through tsx while it is TypeScript. */
function workerSource(): string {
  return tsWorkerSource(pathToFileURL(require.resolve('@decnet/decoys/decky-worker')).href)
}

export class DecoyWorkerHost {
  private worker: Worker | undefined
  private ready: Promise<Worker> | undefined
  private readonly services = new Map<number, Service>()
  private readonly waiters = new Map<number, Waiter>()
  private nextId = 1
  private restartTimes: number[] = []
  private restartTimer: NodeJS.Timeout | undefined
  private gaveUp: string | undefined
  private closed = false

  constructor(private readonly options: DecoyWorkerHostOptions = {}) {}

  /** Starts one emulator in the worker (the local engine's `StartService`). */
  readonly startService = async (slug: string, options: StartEmulatorOptions): Promise<RunningEmulator> => {
    const { onEvent: _sinkStaysHere, ...serializable } = options
    const id = this.nextId++
    const reply = await this.request({ type: 'start', id, slug, options: serializable })
    if (reply.type === 'start_failed') throw new Error(reply.message)
    const ports = reply.type === 'started' ? reply.ports : []
    // A restart rebinds the ports actually bound, so a service asked for port 0 keeps its port.
    this.services.set(id, { slug, options: { ...serializable, ports } })
    return { ports, close: () => this.stopService(id) }
  }

  /** Why the decoys are down for good (restarts exhausted), if they are. */
  problem(): string | undefined {
    return this.gaveUp
  }

  /** Whether the worker is running now (false between a crash and its restart). */
  running(): boolean {
    return this.worker !== undefined
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.restartTimer)
    this.services.clear()
    const worker = this.worker
    this.worker = undefined
    this.ready = undefined
    if (worker) await worker.terminate()
  }

  private async stopService(id: number): Promise<void> {
    if (!this.services.delete(id)) return
    if (this.worker) await this.request({ type: 'stop', id }).catch(() => undefined)
    if (this.services.size === 0 && this.worker && this.waiters.size === 0) {
      // Nothing left to serve: free the worker's memory until the next deploy.
      const worker = this.worker
      this.worker = undefined
      this.ready = undefined
      await worker.terminate()
    }
  }

  private async request(message: ToWorker): Promise<FromWorker> {
    if (this.closed) throw new Error('decoy host is closed')
    if (this.gaveUp) throw new Error(`decoys are down: ${this.gaveUp}`)
    const worker = await this.spawn()
    return new Promise<FromWorker>((resolve, reject) => {
      this.waiters.set(message.id, { resolve, reject })
      worker.postMessage(message)
    })
  }

  private spawn(): Promise<Worker> {
    if (this.ready) return this.ready
    const workerData: DeckyWorkerData = { extraEmulators: this.options.extraEmulators ?? {} }
    const worker = new Worker(workerSource(), {
      eval: true,
      workerData,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 256 },
      // The worker's stdout/stderr are the API's: a decoy's own logging stays visible.
    })
    let lastError: Error | undefined
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'event') {
        this.options.onEvent?.(message.event)
        return
      }
      const waiter = this.waiters.get(message.id)
      this.waiters.delete(message.id)
      waiter?.resolve(message)
    })
    worker.on('error', (error) => {
      lastError = error
    })
    worker.on('exit', (code) => {
      if (this.worker !== worker) return
      this.worker = undefined
      this.ready = undefined
      this.onWorkerGone(lastError?.message ?? `worker exited with code ${code}`)
    })
    this.worker = worker
    this.ready = new Promise<Worker>((resolve, reject) => {
      worker.once('online', () => resolve(worker))
      worker.once('error', reject)
    })
    return this.ready
  }

  /** The guard: a worker that ended without `close()` is logged and restarted (bounded, with backoff). */
  private onWorkerGone(reason: string): void {
    for (const waiter of this.waiters.values()) waiter.reject(new Error(`decoy worker failed: ${reason}`))
    this.waiters.clear()
    if (this.closed || this.services.size === 0) return
    const now = Date.now()
    const windowMs = this.options.windowMs ?? 60_000
    this.restartTimes = [...this.restartTimes.filter((at) => now - at < windowMs), now]
    const restarts = this.restartTimes.length
    const deckies = [...new Set([...this.services.values()].map((service) => service.options.decky))].sort()
    if (restarts > (this.options.maxRestarts ?? 5)) {
      this.gaveUp = `decoy worker failed ${restarts} times within ${windowMs} ms (last: ${reason})`
      this.report({ kind: 'gave_up', reason, restarts, deckies })
      return
    }
    const delayMs = Math.min(
      (this.options.initialDelayMs ?? 250) * 2 ** (restarts - 1),
      this.options.maxDelayMs ?? 10_000,
    )
    this.report({ kind: 'restarting', reason, restarts, deckies, delayMs })
    this.restartTimer = setTimeout(() => void this.restart(), delayMs)
    this.restartTimer.unref()
  }

  private async restart(): Promise<void> {
    if (this.closed) return
    const services = [...this.services]
    await Promise.all(
      services.map(async ([id, service]) => {
        const reply = await this.request({
          type: 'start',
          id,
          slug: service.slug,
          options: service.options,
        }).catch((error: Error) => ({ type: 'start_failed' as const, id, message: error.message }))
        if (reply.type === 'start_failed') {
          this.report({
            kind: 'restarting',
            reason: `${service.options.decky}.${service.slug} did not restart: ${reply.message}`,
            restarts: this.restartTimes.length,
            deckies: [service.options.decky],
          })
        }
      }),
    )
  }

  private report(fault: DecoyFault): void {
    if (this.options.onFault) this.options.onFault(fault)
    else process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'decoy fault', ...fault })}\n`)
  }
}
