/**
 * The collection worker as the API process runs it: one ingest pipeline, fed by the Docker log
 * collector (docker engine) and/or the in-process sink (local engine), plus the `collector` heartbeat.
 */
import type { EngineKind } from '@decnet/core'
import type { DecnetDatabase } from '@decnet/db'
import type { EventSink } from '@decnet/decoys'
import type { Bus } from '../bus/bus.ts'
import { DockerLogCollector } from '../collector/collector.ts'
import { localEventSink } from '../collector/local.ts'
import type { DockerConnection } from '../engine/docker-client.ts'
import { IngestPipeline, type IngestPipelineOptions, type IngestStats } from '../ingest/pipeline.ts'
import { SystemTrafficFilter } from '../ingest/system-traffic.ts'
import { type HeartbeatState, startHeartbeat } from './heartbeat.ts'

export type CollectorWorkerOptions = {
  db: Pick<DecnetDatabase, 'logs' | 'settings' | 'heartbeats' | 'probeSources'>
  bus?: Pick<Bus, 'publish'>
  /** `docker` follows container logs; `local` only provides `eventSink` for the local engine. */
  engine: EngineKind
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
  /**
   * Also follows the decoy containers of another daemon (an enrolled host) into the same pipeline;
   * following a host again replaces its connection.
   */
  followHost(hostId: string, connection: DockerConnection): Promise<void>
  /** Stops following a host's daemon (it became unreachable or was decommissioned). */
  unfollowHost(hostId: string): Promise<void>
  /** The heartbeat's view: status and a one-line summary. */
  health(): HeartbeatState
  /** Stops following, stores everything received and records the final heartbeat. */
  stop(): Promise<void>
}

/** Where the collector keeps the log positions of an enrolled host's containers. */
export function hostPositionKeyPrefix(hostId: string): string {
  return `collector.host.${hostId}.position.`
}

export async function startCollectorWorker(options: CollectorWorkerOptions): Promise<CollectorWorker> {
  const pipeline = new IngestPipeline({
    ...options.ingest,
    db: options.db,
    ...(options.bus ? { bus: options.bus } : {}),
    systemTraffic: new SystemTrafficFilter(options.db.probeSources),
  })
  const collectorFor = (connection: DockerConnection | undefined, positionKeyPrefix?: string) =>
    new DockerLogCollector({
      pipeline,
      settings: options.db.settings,
      ...(connection ? { connection } : {}),
      ...(positionKeyPrefix ? { positionKeyPrefix } : {}),
      ...(options.instance ? { instance: options.instance } : {}),
      ...(options.rescanIntervalMs ? { rescanIntervalMs: options.rescanIntervalMs } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    })
  const collector = options.engine === 'docker' ? collectorFor(options.connection) : undefined
  const hostCollectors = new Map<string, DockerLogCollector>()
  const allStats = () => [collector, ...hostCollectors.values()].flatMap((c) => (c ? [c.stats()] : []))
  let last: { ingest: IngestStats; collectorErrors: number } | undefined
  const health = (): HeartbeatState => {
    const ingest = pipeline.stats()
    const stats = allStats()
    const collectorStats = stats.length > 0 ? stats : undefined
    const collectorErrors = stats.reduce((sum, each) => sum + each.errors, 0)
    const failingWrites = last !== undefined && ingest.writeErrors > last.ingest.writeErrors
    const failingDocker = last !== undefined && collectorErrors > last.collectorErrors
    // Events waiting at two beats in a row with nothing stored in between: the backlog is stuck.
    const backlogStuck =
      last !== undefined &&
      last.ingest.pending > 0 &&
      ingest.pending > 0 &&
      ingest.stored === last.ingest.stored
    last = { ingest, collectorErrors }
    const parts = [
      `stored ${ingest.stored}`,
      `malformed ${ingest.malformed}`,
      `dropped ${ingest.dropped}`,
      `pending ${ingest.pending}`,
    ]
    if (collectorStats) parts.push(`containers ${stats.reduce((sum, each) => sum + each.containers, 0)}`)
    if (hostCollectors.size > 0) parts.push(`hosts ${hostCollectors.size + (collector ? 1 : 0)}`)
    if (failingWrites) parts.push('database writes failing')
    if (failingDocker) parts.push('docker errors')
    if (backlogStuck) parts.push('ingest backlog not draining')
    const degraded = failingWrites || failingDocker || backlogStuck
    return { status: degraded ? 'degraded' : 'ok', detail: parts.join(', ') }
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
    async followHost(hostId, connection) {
      await hostCollectors.get(hostId)?.stop()
      const follower = collectorFor(connection, hostPositionKeyPrefix(hostId))
      hostCollectors.set(hostId, follower)
      await follower.start()
    },
    async unfollowHost(hostId) {
      const follower = hostCollectors.get(hostId)
      hostCollectors.delete(hostId)
      await follower?.stop()
    },
    async stop() {
      await Promise.all([...hostCollectors.values()].map((each) => each.stop()))
      hostCollectors.clear()
      await collector?.stop()
      await pipeline.close()
      const final = health()
      await heartbeat.stop({ status: final.status, detail: `stopped; ${final.detail}` })
    },
  }
}
