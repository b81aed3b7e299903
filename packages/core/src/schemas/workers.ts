// The background workers an operator watches and steers (workers.*): what each last reported, and
// which ones an operator may pause.
import { z } from 'zod'
import { ZIsoDate } from './common.ts'
import { ZWorkerStatus } from './config.ts'

/**
 * Workers an operator may pause: each skips its passes while paused and says so in its heartbeat.
 * The collector really stops following the Docker logs (events wait there) and resumes from its
 * stored positions, so nothing is lost: its lag shows how far behind it is meanwhile.
 */
export const PAUSABLE_WORKERS = ['mutator', 'reconciler', 'collector'] as const
export const ZPausableWorker = z.enum(PAUSABLE_WORKERS)
export type PausableWorker = z.infer<typeof ZPausableWorker>

export function isPausableWorker(worker: string): worker is PausableWorker {
  return (PAUSABLE_WORKERS as readonly string[]).includes(worker)
}

/** The setting that holds a worker's pause (survives restarts; every process reads the same one). */
export function workerPausedSettingKey(worker: PausableWorker): string {
  return `workers.${worker}.paused`
}

/**
 * The setting holding since when the collector has been behind on a host's containers (stopped,
 * paused or still reading its backlog); absent while it keeps up.
 */
export function collectorBehindSettingKey(hostId: string): string {
  return `workers.collector.behind.${hostId}`
}

/** How far the collector is behind on one host: 0 while it keeps up, growing while it is stopped. */
export const ZCollectorLag = z.object({
  hostId: z.string().max(64),
  host: z.string().max(64),
  behindSince: ZIsoDate.nullable(),
  lagSeconds: z.number().int().nonnegative(),
})
export type CollectorLag = z.infer<typeof ZCollectorLag>

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
  /** The collector's lag per host (empty for other workers). */
  lag: z.array(ZCollectorLag).max(100),
})
export type WorkerRow = z.infer<typeof ZWorkerRow>

export const ZWorkerPauseRequest = z.object({ worker: ZPausableWorker }).strict()
