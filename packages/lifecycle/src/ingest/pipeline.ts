/**
 * The ingest pipeline: decoy event lines in, `Log`/`Credential`/`Attacker` rows out.
 *
 * Lines are validated as they arrive (a bad one is counted as malformed, never thrown), queued in a
 * bounded FIFO and written in batches through `db.logs.ingest` (one transaction per batch), either
 * when `batchSize` events are waiting or `flushIntervalMs` after the first one arrived. One batch is
 * written at a time (the next one is prepared meanwhile); a failed write is retried with backoff and
 * the batch is kept, so nothing is lost while the database is briefly unavailable. Producers choose their backpressure: `push*`
 * waits for queue space, `offer*` drops (and counts) when the queue is full.
 *
 * Events DECNET's own probes caused are flagged `system` just before their batch is written
 * (`systemTraffic`, see system-traffic.ts): stored, but never counted as attack.
 *
 * Accounting invariant: received = stored + malformed + dropped + pending.
 */
import type { DecnetDatabase, LogEventInput, LogRow } from '@decnet/db'
import type { DecoyEvent } from '@decnet/decoys'
import type { Bus } from '../bus/bus.ts'
import { topics } from '../bus/topics.ts'
import {
  type LineContext,
  MAX_LINE_BYTES,
  type ParsedLine,
  parseDecoyEvent,
  parseDecoyLine,
  type RejectReason,
  rawServiceLine,
} from './line.ts'

/** What the pipeline needs of the database: ingest, and (optionally) its CPU half to run ahead. */
export type IngestDatabase = {
  logs: Pick<DecnetDatabase['logs'], 'ingest'> & Partial<Pick<DecnetDatabase['logs'], 'prepareIngest'>>
}

type IngestInput = Parameters<DecnetDatabase['logs']['ingest']>[0]

export type IngestPipelineOptions = {
  db: IngestDatabase
  /** `log.ingested` ({ count }) is published after every stored batch. */
  bus?: Pick<Bus, 'publish'>
  /** Events per write (default 5,000: fewer, larger transactions are what lets SQLite ingest reach 20k events/s). */
  batchSize?: number
  /** Longest wait before a partial batch is written (default 250 ms). */
  flushIntervalMs?: number
  /** Events held in memory before producers wait (`push*`) or lose events (`offer*`); default 20,000. */
  maxQueue?: number
  /** Also full once the queued raw lines reach this many characters (default 32 Mi), so a flood of
   *  maximum-size lines cannot take hundreds of megabytes. */
  maxQueueChars?: number
  maxLineBytes?: number
  /** Backoff after a failed write: doubles from `retryInitialMs` (100) up to `retryMaxMs` (5,000). */
  retryInitialMs?: number
  retryMaxMs?: number
  /** Flags the batch's events our own readiness probes caused (`system`), before it is written. */
  systemTraffic?: { flag(batch: LogEventInput[]): Promise<void> }
  /** A failed write (it will be retried). */
  onError?: (error: unknown) => void
  /** After each stored batch, with the stored rows (ids included) and the write's duration. */
  onBatch?: (rows: LogRow[], durationMs: number) => void
}

export type IngestStats = {
  /** Every line/event handed to the pipeline. */
  received: number
  /** Rows committed to the database. */
  stored: number
  /** Rejected by validation (garbage, oversized, wrong shape, bad timestamp or source). */
  malformed: number
  /** Valid, but not kept: the queue was full for an `offer*` producer, or the pipeline was closed. */
  dropped: number
  /** Accepted and not yet stored (queued plus the batch being written). */
  pending: number
  batches: number
  writeErrors: number
  rejected: Record<RejectReason, number>
}

export type SubmitResult = 'queued' | 'malformed' | 'dropped'

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export class IngestPipeline {
  private readonly db: IngestDatabase
  private readonly bus: Pick<Bus, 'publish'> | undefined
  private readonly batchSize: number
  private readonly flushIntervalMs: number
  private readonly maxQueue: number
  private readonly maxQueueChars: number
  private queuedChars = 0
  private readonly maxLineBytes: number
  private readonly retryInitialMs: number
  private readonly retryMaxMs: number
  private readonly onError: (error: unknown) => void
  private readonly onBatch: ((rows: LogRow[], durationMs: number) => void) | undefined
  private readonly systemTraffic: IngestPipelineOptions['systemTraffic']

  private queue: LogEventInput[] = []
  private head = 0
  private inFlight = 0
  private writing: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private closed = false
  private flushRequested = false
  /** Resolved when the queue has room again (producers waiting in push*). */
  private spaceWaiters: (() => void)[] = []
  /** Resolved when `stored + dropped-at-close` reaches their target sequence. */
  private storedWaiters: { target: number; resolve: () => void }[] = []
  private settledListeners = new Set<(settledSequence: number) => void>()

  private counters = {
    received: 0,
    stored: 0,
    malformed: 0,
    dropped: 0,
    batches: 0,
    writeErrors: 0,
  }
  private rejected: Record<RejectReason, number> = {
    oversized: 0,
    not_json: 0,
    invalid_shape: 0,
    bad_timestamp: 0,
    bad_source: 0,
  }
  /** Events ever accepted into the queue: the sequence number of the newest one. */
  private acceptedSeq = 0
  /** Every accepted event with a sequence number up to this one is stored (or was dropped at close). */
  private settledSeq = 0

  constructor(options: IngestPipelineOptions) {
    this.db = options.db
    this.bus = options.bus
    this.batchSize = Math.max(1, options.batchSize ?? 5000)
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 250)
    this.maxQueue = Math.max(this.batchSize, options.maxQueue ?? 20_000)
    this.maxQueueChars = options.maxQueueChars ?? 32 * 1024 * 1024
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES
    this.retryInitialMs = options.retryInitialMs ?? 100
    this.retryMaxMs = options.retryMaxMs ?? 5_000
    this.onError =
      options.onError ?? ((error) => console.error('ingest: batch write failed, retrying:', error))
    this.onBatch = options.onBatch
    this.systemTraffic = options.systemTraffic
  }

  stats(): IngestStats {
    return { ...this.counters, pending: this.pending, rejected: { ...this.rejected } }
  }

  /** Events accepted and not yet stored. */
  get pending(): number {
    return this.queue.length - this.head + this.inFlight
  }

  get isFull(): boolean {
    return this.queue.length - this.head >= this.maxQueue || this.queuedChars >= this.maxQueueChars
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Sequence number of the newest accepted event (0 before any). A checkpoint for `whenSettled`. */
  get lastSequence(): number {
    return this.acceptedSeq
  }

  /** Every accepted event up to this sequence number is durable. */
  get settledSequence(): number {
    return this.settledSeq
  }

  /** Non-blocking: a full queue drops the event (counted). */
  offerLine(line: string, context?: LineContext): SubmitResult {
    this.counters.received++
    return this.accept(parseDecoyLine(line, context, this.maxLineBytes))
  }

  /** A custom service's output line (not a decoy event): stored as a `raw` row of that service. */
  offerRawLine(
    text: string,
    stream: 'stdout' | 'stderr',
    at: Date,
    context: Required<LineContext>,
  ): SubmitResult {
    this.counters.received++
    return this.accept(rawServiceLine(text, stream, at, context))
  }

  offerEvent(event: DecoyEvent, context?: LineContext): SubmitResult {
    this.counters.received++
    return this.accept(parseDecoyEvent(event, context))
  }

  /** Waits for queue space rather than dropping (producers that can pause, like a log stream). */
  async pushLine(line: string, context?: LineContext): Promise<SubmitResult> {
    while (this.isFull && !this.closed) await this.waitForSpace()
    return this.offerLine(line, context)
  }

  async pushEvent(event: DecoyEvent, context?: LineContext): Promise<SubmitResult> {
    while (this.isFull && !this.closed) await this.waitForSpace()
    return this.offerEvent(event, context)
  }

  /** Resolves once the queue has room (at once if it has). */
  waitForSpace(): Promise<void> {
    if (!this.isFull || this.closed) return Promise.resolve()
    return new Promise((resolve) => this.spaceWaiters.push(resolve))
  }

  /** Resolves once every event accepted up to `sequence` is stored. */
  whenSettled(sequence: number): Promise<void> {
    if (this.settledSeq >= sequence) return Promise.resolve()
    return new Promise((resolve) => this.storedWaiters.push({ target: sequence, resolve }))
  }

  /** Called after every stored batch with the new settled sequence; returns the unsubscribe function. */
  onSettled(listener: (settledSequence: number) => void): () => void {
    this.settledListeners.add(listener)
    return () => this.settledListeners.delete(listener)
  }

  /** Writes everything accepted so far; resolves when it is stored. */
  flush(): Promise<void> {
    const target = this.acceptedSeq
    if (this.settledSeq >= target) return Promise.resolve()
    this.flushRequested = true
    this.kick(true)
    return this.whenSettled(target)
  }

  /** Stops accepting (later lines count as dropped), stores everything accepted, then resolves. */
  async close(): Promise<void> {
    this.closed = true
    for (const resolve of this.spaceWaiters.splice(0)) resolve()
    await this.flush()
    if (this.writing) await this.writing
  }

  private accept(parsed: ParsedLine): SubmitResult {
    if (!parsed.ok) {
      this.counters.malformed++
      this.rejected[parsed.reason]++
      return 'malformed'
    }
    if (this.closed || this.isFull) {
      this.counters.dropped++
      return 'dropped'
    }
    this.queue.push(parsed.event)
    this.queuedChars += parsed.event.rawLine.length
    this.acceptedSeq++
    this.kick(false)
    return 'queued'
  }

  /** Starts a write now when a batch is ready, the queue is full or a flush asked; else arms the timer. */
  private kick(now: boolean) {
    if (this.writing) return
    const queued = this.queue.length - this.head
    if (queued === 0) return
    // A full queue (by size) cannot wait for the timer: producers are blocked on it.
    const force = now || this.isFull
    if (force || this.flushRequested || queued >= this.batchSize || this.flushIntervalMs === 0) {
      if (this.timer) {
        clearTimeout(this.timer)
        this.timer = undefined
      }
      this.writing = this.drain(force).finally(() => {
        this.writing = undefined
        this.kick(false)
      })
      return
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.kick(true)
      }, this.flushIntervalMs)
    }
  }

  /**
   * Writes full batches back to back until fewer than a batch remain; everything when forced (the
   * interval elapsed) or flushing. While one batch is written, the next one is taken, flagged and
   * prepared (tokens, rules: on SQLite the write itself runs on the ingest worker thread), so it is
   * handed over the moment the previous one is stored. One batch is handed over at a time.
   */
  private async drain(force: boolean): Promise<void> {
    let batch = this.takeBatch(force)
    let prepared = batch && this.prepare(batch)
    while (batch && prepared) {
      const writing = this.writeWithRetry(batch, prepared)
      const next = this.takeBatch(false)
      const nextPrepared = next && this.prepare(next)
      // Awaited only after `writing`: a failure meanwhile must not count as unhandled.
      nextPrepared?.catch(() => undefined)
      await writing
      this.inFlight -= batch.length
      this.counters.stored += batch.length
      this.counters.batches++
      this.settledSeq += batch.length
      this.releaseSettled()
      batch = next ?? this.takeBatch(false)
      prepared = next ? nextPrepared : batch && this.prepare(batch)
    }
    if (this.queue.length - this.head === 0) this.flushRequested = false
  }

  /**
   * Takes the next batch off the queue: a full one, or whatever is queued when forced, flushing or
   * without interval. Undefined when nothing is to be written now (a partial batch waits for its
   * timer: kick() arms it after the drain ends).
   */
  private takeBatch(force: boolean): LogEventInput[] | undefined {
    const queued = this.queue.length - this.head
    if (queued === 0) return undefined
    if (queued < this.batchSize && !force && !this.flushRequested && this.flushIntervalMs > 0)
      return undefined
    const end = this.head + Math.min(this.batchSize, queued)
    const batch = this.queue.slice(this.head, end)
    this.head = end
    for (const event of batch) this.queuedChars -= event.rawLine.length
    this.inFlight += batch.length
    this.compact()
    this.releaseSpace()
    return batch
  }

  /** Flags our own probes' events, then does the database's CPU half of the write when it has one. */
  private async prepare(batch: LogEventInput[]): Promise<IngestInput> {
    await this.systemTraffic?.flag(batch)
    return this.db.logs.prepareIngest ? this.db.logs.prepareIngest(batch) : batch
  }

  /** Writes one batch, retrying with backoff (flagged and prepared again) until it is stored. */
  private async writeWithRetry(batch: LogEventInput[], prepared: Promise<IngestInput>): Promise<void> {
    let delay = this.retryInitialMs
    let attempt = prepared
    for (;;) {
      const started = performance.now()
      try {
        const rows = await this.db.logs.ingest(await attempt)
        const duration = performance.now() - started
        this.bus?.publish({
          topic: topics.logIngested,
          type: 'log.ingested',
          payload: { count: batch.length },
        })
        this.onBatch?.(rows, duration)
        return
      } catch (error) {
        this.counters.writeErrors++
        this.onError(error)
        await sleep(delay)
        delay = Math.min(delay * 2, this.retryMaxMs)
        attempt = this.prepare(batch)
      }
    }
  }

  private compact() {
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.head = 0
    }
  }

  private releaseSpace() {
    if (this.isFull) return
    for (const resolve of this.spaceWaiters.splice(0)) resolve()
  }

  private releaseSettled() {
    for (const listener of this.settledListeners) {
      try {
        listener(this.settledSeq)
      } catch (error) {
        this.onError(error)
      }
    }
    if (this.storedWaiters.length === 0) return
    const still: typeof this.storedWaiters = []
    for (const waiter of this.storedWaiters) {
      if (this.settledSeq >= waiter.target) waiter.resolve()
      else still.push(waiter)
    }
    this.storedWaiters = still
  }
}
