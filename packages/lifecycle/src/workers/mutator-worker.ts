/** The mutator worker: the scheduler on its timer plus the `mutator` heartbeat. */

import type { DecnetDatabase } from '@decnet/db'
import {
  MutatorScheduler,
  type MutatorSchedulerOptions,
  type MutatorStats,
  type TickReport,
} from '../mutator/scheduler.ts'
import { type HeartbeatState, startWithHeartbeat } from './heartbeat.ts'

export type MutatorWorkerOptions = Omit<MutatorSchedulerOptions, 'db'> & {
  db: MutatorSchedulerOptions['db'] & Pick<DecnetDatabase, 'heartbeats'>
  heartbeatIntervalMs?: number
}

export type MutatorWorker = {
  scheduler: MutatorScheduler
  health(): HeartbeatState
  stop(): Promise<void>
}

/** Totals since start, then what the last tick did. */
function summarise(stats: MutatorStats, report: TickReport | undefined): HeartbeatState {
  const totals = `ticks ${stats.ticks}, mutated ${stats.mutated}, deferred ${stats.deferred}, failed ${stats.failed}`
  if (!report) return { status: 'ok', detail: totals }
  if (report.paused) return { status: 'ok', detail: `paused by an operator; ${totals}` }
  const parts = [`last tick ${report.at.toISOString()}`]
  if (report.mutated.length > 0) parts.push(`mutated ${report.mutated.map((m) => m.decky).join(' ')}`)
  if (report.deferred.length > 0) {
    parts.push(`deferred ${report.deferred.map((d) => `${d.decky} (${d.reason})`).join(' ')}`)
  }
  if (report.failed.length > 0)
    parts.push(`failed ${report.failed.map((f) => `${f.decky}: ${f.error}`).join('; ')}`)
  if (report.nextDueInMs !== null)
    parts.push(`next due in ${Math.max(0, Math.round(report.nextDueInMs / 1000))} s`)
  return {
    status: report.failed.length > 0 ? 'degraded' : 'ok',
    detail: `${totals}; ${parts.join(', ')}`.slice(0, 1000),
  }
}

export function startMutatorWorker(options: MutatorWorkerOptions): MutatorWorker {
  const { heartbeatIntervalMs, ...schedulerOptions } = options
  const scheduler = new MutatorScheduler(schedulerOptions)
  const health = () => summarise(scheduler.stats(), scheduler.lastReport)
  const running = startWithHeartbeat({
    db: options.db,
    worker: 'mutator',
    health,
    start: () => scheduler.start(),
    stop: () => scheduler.stop(),
    heartbeatIntervalMs,
  })
  return { scheduler, ...running }
}
