// The correlation worker: on its own timer (never in the ingest path or a request), rebuilds the
// credential summaries, identities and campaigns when anything they read changed, at most once per
// `intervalMs`. Each pass reads bounded inputs (db caps per trait kind, correlate's pair budget) and
// writes in one short transaction. Reports a `correlation` heartbeat.

import type { DecnetDatabase } from '@decnet/db'
import {
  PolledWorker,
  type PolledWorkerHandle,
  type PolledWorkerOptions,
  startPolledWorker,
} from '../workers/polled-worker.ts'
import { correlate } from './correlate.ts'

export type CorrelationWorkerDatabase = Pick<DecnetDatabase, 'correlation' | 'heartbeats'>

export type CorrelationWorkerOptions = {
  db: CorrelationWorkerDatabase
  /** Shortest time between two passes (default 60 s): a busy fleet changes the inputs constantly. */
  intervalMs?: number
  /** A value seen from more addresses than this links none of them (db default 50). */
  maxSharedBy?: number
} & PolledWorkerOptions

export type CorrelationPass = {
  /** False when nothing changed since the last pass. */
  ran: boolean
  identities: number
  campaigns: number
  credentialSummaries: number
  truncated: boolean
}

/** What the last pass found, how many passes ran, and the last pass's error. */
export type CorrelationWorkerStats = Omit<CorrelationPass, 'ran'> & {
  passes: number
  lastError: string | null
}

type CorrelationCounters = Omit<CorrelationWorkerStats, 'lastError'>

const DEFAULT_INTERVAL_MS = 60_000

export class CorrelationWorker extends PolledWorker {
  private readonly options: CorrelationWorkerOptions
  private lastWatermark: string | undefined
  private counters: CorrelationCounters = {
    passes: 0,
    identities: 0,
    campaigns: 0,
    credentialSummaries: 0,
    truncated: false,
  }

  constructor(options: CorrelationWorkerOptions) {
    super({ intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS, onError: options.onError })
    this.options = options
  }

  protected async pass(): Promise<void> {
    await this.runOnce()
  }

  stats(): CorrelationWorkerStats {
    return { ...this.counters, lastError: this.loop.lastError }
  }

  /** One pass: skipped when the inputs' watermark has not moved (unless `force`). */
  async runOnce(options: { force?: boolean } = {}): Promise<CorrelationPass> {
    const { correlation } = this.options.db
    const watermark = await correlation.watermark()
    // A database that never held an event has nothing to correlate: no write transaction at start-up.
    const neverUsed = this.lastWatermark === undefined && /^0(:0)*$/.test(watermark)
    if (!options.force && (watermark === this.lastWatermark || neverUsed)) {
      this.lastWatermark = watermark
      return { ran: false, identities: 0, campaigns: 0, credentialSummaries: 0, truncated: false }
    }
    const inputs = await correlation.inputs(
      this.options.maxSharedBy === undefined ? {} : { maxSharedBy: this.options.maxSharedBy },
    )
    const result = correlate(inputs)
    const written = await correlation.replace(result, this.options.now?.() ?? new Date())
    this.lastWatermark = watermark
    const c = this.counters
    c.passes++
    c.identities = result.identities.filter((i) => i.members.length > 1).length
    c.campaigns = result.campaigns.length
    c.credentialSummaries = written.credentialSummaries
    c.truncated = result.truncated
    return {
      ran: true,
      identities: c.identities,
      campaigns: c.campaigns,
      credentialSummaries: c.credentialSummaries,
      truncated: c.truncated,
    }
  }
}

export type CorrelationWorkerHandle = PolledWorkerHandle<CorrelationWorker>

/** Starts the worker and its `correlation` heartbeat. */
export function startCorrelationWorker(options: CorrelationWorkerOptions): CorrelationWorkerHandle {
  return startPolledWorker(new CorrelationWorker(options), {
    db: options.db,
    name: 'correlation',
    summary: (s) =>
      `passes ${s.passes}, identities ${s.identities}, campaigns ${s.campaigns}, credentials ${s.credentialSummaries}${s.truncated ? ' (inputs capped)' : ''}`,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    onError: options.onError,
  })
}
