// workers.*: every background worker as its last heartbeat describes it, and the operator's pause of
// the ones that may be paused (a setting the workers read before each pass).
import {
  type CollectorLag,
  collectorBehindSettingKey,
  isPausableWorker,
  LOCAL_HOST_ID,
  PAUSABLE_WORKERS,
  type PausableWorker,
  type WorkerRow,
  workerPausedSettingKey,
} from '@decnet/core'
import { isWorkerPaused } from '@decnet/lifecycle'
import type { ApiServices } from '../context.ts'
import { HEARTBEAT_STALE_MS } from '../health/health-report.ts'

export async function listWorkers(services: Pick<ApiServices, 'db'>, now = Date.now()): Promise<WorkerRow[]> {
  const { db } = services
  const paused = new Map(
    await Promise.all(
      PAUSABLE_WORKERS.map(async (worker) => [worker, await isWorkerPaused(db.settings, worker)] as const),
    ),
  )
  const lag = await collectorLag(db, now)
  return (await db.heartbeats.list()).map((beat) => {
    const age = Math.max(0, now - beat.beatAt.getTime())
    return {
      worker: beat.worker,
      status: beat.status,
      detail: beat.detail === null ? null : beat.detail.slice(0, 1000),
      beatAt: beat.beatAt.toISOString(),
      ageSeconds: Math.round(age / 1000),
      stale: age > HEARTBEAT_STALE_MS,
      pausable: isPausableWorker(beat.worker),
      paused: isPausableWorker(beat.worker) && paused.get(beat.worker) === true,
      lag: beat.worker === 'collector' ? lag : [],
    }
  })
}

/** The collector's lag on this machine and every enrolled host: now minus since when it is behind. */
async function collectorLag(db: ApiServices['db'], now: number): Promise<CollectorLag[]> {
  const hosts = [
    { id: LOCAL_HOST_ID, name: LOCAL_HOST_ID },
    ...(await db.hosts.list()).filter(
      (host) => host.id !== LOCAL_HOST_ID && host.status !== 'decommissioned',
    ),
  ].slice(0, 100)
  return Promise.all(
    hosts.map(async (host) => {
      const stored = await db.settings.get(collectorBehindSettingKey(host.id))
      const since = typeof stored === 'string' ? Date.parse(stored) : Number.NaN
      const behind = !Number.isNaN(since)
      return {
        hostId: host.id,
        host: host.name,
        behindSince: behind ? new Date(since).toISOString() : null,
        lagSeconds: behind ? Math.max(0, Math.round((now - since) / 1000)) : 0,
      }
    }),
  )
}

/** Pauses or resumes a worker; its next pass (within one interval) honours it. */
export async function setWorkerPaused(
  services: Pick<ApiServices, 'db'>,
  worker: PausableWorker,
  paused: boolean,
): Promise<string> {
  if (paused) await services.db.settings.set(workerPausedSettingKey(worker), true)
  else await services.db.settings.delete(workerPausedSettingKey(worker))
  return paused
    ? `${worker} paused: it skips its passes until resumed`
    : `${worker} resumed: its next pass runs as scheduled`
}
