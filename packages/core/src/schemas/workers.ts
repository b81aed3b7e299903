// The background workers an operator watches and steers (workers.*): what each last reported, and
// which ones an operator may pause.
import { z } from 'zod'
import { ZIsoDate } from './common.ts'
import { ZWorkerStatus } from './config.ts'

/** Workers an operator may pause: each skips its passes while paused and says so in its heartbeat. */
export const PAUSABLE_WORKERS = ['mutator', 'reconciler'] as const
export const ZPausableWorker = z.enum(PAUSABLE_WORKERS)
export type PausableWorker = z.infer<typeof ZPausableWorker>

export function isPausableWorker(worker: string): worker is PausableWorker {
  return (PAUSABLE_WORKERS as readonly string[]).includes(worker)
}

/** The setting that holds a worker's pause (survives restarts; every process reads the same one). */
export function workerPausedSettingKey(worker: PausableWorker): string {
  return `workers.${worker}.paused`
}

/** A worker as workers.list shows it. `stale`: its last heartbeat is too old to trust. */
export const ZWorkerRow = z.object({
  worker: z.string().max(64),
  status: ZWorkerStatus,
  detail: z.string().max(1000).nullable(),
  beatAt: ZIsoDate,
  ageSeconds: z.number().int().nonnegative(),
  stale: z.boolean(),
  pausable: z.boolean(),
  paused: z.boolean(),
})
export type WorkerRow = z.infer<typeof ZWorkerRow>

export const ZWorkerPauseRequest = z.object({ worker: ZPausableWorker }).strict()
