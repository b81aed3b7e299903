// The incident worker: tails the Log table on its own timer (never in the ingest path), one
// transaction per batch, until it has caught up; then sleeps `pollMs`. Reports an `incidents` heartbeat.

import { randomUUID } from 'node:crypto'
import { type DecnetDatabase, PG_TRANSACTION_TIMEOUT_MS } from '@decnet/db'
import {
  PolledWorker,
  type PolledWorkerHandle,
  type PolledWorkerOptions,
  startPolledWorker,
} from '../workers/polled-worker.ts'
import { emptyReport, type GroupingReport, groupNextBatch, INCIDENT_CURSOR } from './grouping.ts'
import { readIncidentSettings } from './settings.ts'
import { SEVERITY_RULES, type SeverityRuleSet } from './severity-rules.ts'

export type IncidentWorkerDatabase = Pick<DecnetDatabase, 'dialect' | 'incidents' | 'settings' | 'heartbeats'>

export type IncidentWorkerOptions = {
  db: IncidentWorkerDatabase
  /** Log rows per transaction (default 1,000). */
  batchSize?: number
  /** Sleep after catching up (default 100 ms; an idle look only reads). */
  pollMs?: number
  /** Called after a batch committed alert rows (e.g. wakes the delivery worker). */
  onAlerts?: () => void
  rules?: SeverityRuleSet
  publicUrl?: string | null
  /**
   * PostgreSQL: how long a missing Log id holds the worker back before it counts as rolled back
   * (default: the client's transaction timeout plus 5 s, after which no transaction can still commit it).
   */
  gapSettleMs?: number
} & PolledWorkerOptions

export type IncidentWorkerStats = {
  batches: number
  events: number
  suppressed: number
  opened: number
  reopened: number
  alerts: number
  cursor: number
  lastError: string | null
}

type IncidentCounters = Omit<IncidentWorkerStats, 'lastError'>

const DEFAULT_BATCH = 2_000
const DEFAULT_POLL_MS = 100

export class IncidentWorker extends PolledWorker {
  private readonly options: IncidentWorkerOptions
  private readonly now: () => Date
  /** The missing Log id the worker is waiting for, and since when (PostgreSQL only). */
  private gap: { id: number; since: number } | undefined
  private counters: IncidentCounters = {
    batches: 0,
    events: 0,
    suppressed: 0,
    opened: 0,
    reopened: 0,
    alerts: 0,
    cursor: 0,
  }

  constructor(options: IncidentWorkerOptions) {
    super({ intervalMs: options.pollMs ?? DEFAULT_POLL_MS, onError: options.onError })
    this.options = options
    this.now = options.now ?? (() => new Date())
  }

  protected pass(): Promise<void> {
    return this.drain()
  }

  stats(): IncidentWorkerStats {
    return { ...this.counters, lastError: this.loop.lastError }
  }

  /** One grouping step in its own transaction. */
  async step(): Promise<GroupingReport> {
    const now = this.now()
    // An idle poll only reads: no write transaction (and so no write lock) without work to do.
    if (!(await this.options.db.incidents.hasWork(INCIDENT_CURSOR, now))) {
      return { ...emptyReport(), cursor: this.counters.cursor }
    }
    const settings = await readIncidentSettings(this.options.db.settings)
    const report = await this.options.db.incidents.inBatch((batch) =>
      groupNextBatch(batch, {
        rules: this.options.rules ?? SEVERITY_RULES,
        quietWindowMs: settings.quietWindowMinutes * 60_000,
        digestThrottleMs: settings.digestThrottleMinutes * 60_000,
        escalateAtOnceFrom: settings.escalateAtOnceFrom,
        batchSize: this.options.batchSize ?? DEFAULT_BATCH,
        now,
        publicUrl: this.options.publicUrl ?? null,
        newId: () => randomUUID(),
        passGap: (missingId) => this.passGap(missingId),
      }),
    )
    const c = this.counters
    c.batches++
    c.events += report.events
    c.suppressed += report.suppressed
    c.opened += report.opened
    c.reopened += report.reopened
    const alerts = report.alerts.opened + report.alerts.escalated + report.alerts.digest
    c.alerts += alerts
    c.cursor = report.cursor
    if (alerts > 0) this.options.onAlerts?.()
    return report
  }

  private passGap(missingId: number): boolean {
    if (this.options.db.dialect === 'sqlite') return true
    const now = Date.now()
    if (this.gap?.id !== missingId) this.gap = { id: missingId, since: now }
    return now - this.gap.since >= (this.options.gapSettleMs ?? PG_TRANSACTION_TIMEOUT_MS + 5_000)
  }

  /** Steps until a batch comes back short (caught up). Other work runs between batches. */
  async drain(): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH
    for (;;) {
      const report = await this.step()
      if (report.read < batchSize) return
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }
}

export type IncidentWorkerHandle = PolledWorkerHandle<IncidentWorker>

/** Starts the worker and its `incidents` heartbeat. */
export function startIncidentWorker(options: IncidentWorkerOptions): IncidentWorkerHandle {
  return startPolledWorker(new IncidentWorker(options), {
    db: options.db,
    name: 'incidents',
    summary: (s) =>
      `cursor ${s.cursor}, events ${s.events}, suppressed ${s.suppressed}, opened ${s.opened}, reopened ${s.reopened}, alerts ${s.alerts}`,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    onError: options.onError,
  })
}
