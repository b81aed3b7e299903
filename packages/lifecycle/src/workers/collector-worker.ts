/**
 * The collection worker as the API process runs it: one ingest pipeline, fed by the Docker log
 * collector (docker engine) and/or the in-process sink (local engine), plus the `collector` heartbeat.
 */
import type { DecnetDatabase } from '@decnet/db'
import type { EventSink } from '@decnet/decoys'
import type { Bus } from '../bus/bus.ts'
import { DockerLogCollector } from '../collector/collector.ts'
import { localEventSink } from '../collector/local.ts'
import type { DockerConnection } from '../engine/docker-client.ts'
import { IngestPipeline, type IngestPipelineOptions, type IngestStats } from '../ingest/pipeline.ts'
import { type HeartbeatState, startHeartbeat } from './heartbeat.ts'

export type CollectorWorkerOptions = {
  db: Pick<DecnetDatabase, 'logs' | 'settings' | 'heartbeats'>
  bus?: Pick<Bus, 'publish'>
  /** `docker` follows container logs; `local` only provides `eventSink` for the local engine. */
  engine: 'docker' | 'local'
  connection?: DockerConnection
  /** Only this engine instance's containers (`decnet.instance`). */
  instance?: string
  rescanIntervalMs?: number
  ingest?: Omit<IngestPipelineOptions, 'db' | 'bus'>
  heartbeatIntervalMs?: number
  onError?: (error: unknown, context: string) => void
}

export type CollectorWorker = {
  pipeline: IngestPipeline
  collector: DockerLogCollector | undefined
  /** Pass as `onEvent` to the LocalEngine (works with either engine). */
  eventSink: EventSink
  /** The heartbeat's view: status and a one-line summary. */
  health(): HeartbeatState
  /** Stops following, stores everything received and records the final heartbeat. */
  stop(): Promise<void>
}

export async function startCollectorWorker(options: CollectorWorkerOptions): Promise<CollectorWorker> {
  const pipeline = new IngestPipeline({
    ...options.ingest,
    db: options.db,
    ...(options.bus ? { bus: options.bus } : {}),
  })
  const collector =
    options.engine === 'docker'
      ? new DockerLogCollector({
          pipeline,
          settings: options.db.settings,
          ...(options.connection ? { connection: options.connection } : {}),
          ...(options.instance ? { instance: options.instance } : {}),
          ...(options.rescanIntervalMs ? { rescanIntervalMs: options.rescanIntervalMs } : {}),
          ...(options.onError ? { onError: options.onError } : {}),
        })
      : undefined
  let last: { ingest: IngestStats; collectorErrors: number } | undefined
  const health = (): HeartbeatState => {
    const ingest = pipeline.stats()
    const collectorStats = collector?.stats()
    const collectorErrors = collectorStats?.errors ?? 0
    const failingWrites = last !== undefined && ingest.writeErrors > last.ingest.writeErrors
    const failingDocker = last !== undefined && collectorErrors > last.collectorErrors
    last = { ingest, collectorErrors }
    const parts = [
      `stored ${ingest.stored}`,
      `malformed ${ingest.malformed}`,
      `dropped ${ingest.dropped}`,
      `pending ${ingest.pending}`,
    ]
    if (collectorStats) parts.push(`containers ${collectorStats.containers}`)
    if (failingWrites) parts.push('database writes failing')
    if (failingDocker) parts.push('docker errors')
    return { status: failingWrites || failingDocker ? 'degraded' : 'ok', detail: parts.join(', ') }
  }
  await collector?.start()
  const heartbeat = startHeartbeat({
    db: options.db,
    worker: 'collector',
    state: health,
    ...(options.heartbeatIntervalMs ? { intervalMs: options.heartbeatIntervalMs } : {}),
  })
  return {
    pipeline,
    collector,
    eventSink: localEventSink(pipeline),
    health,
    async stop() {
      await collector?.stop()
      await pipeline.close()
      const final = health()
      await heartbeat.stop({ status: final.status, detail: `stopped; ${final.detail}` })
    },
  }
}
