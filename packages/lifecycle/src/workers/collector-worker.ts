/**
 * The collection worker as the API process runs it: one ingest pipeline, fed by the Docker log
 * collector (docker engine) and/or the in-process sink (local engine), plus the `collector` heartbeat.
 */
import { collectorBehindSettingKey, type EngineKind, LOCAL_HOST_ID } from '@decnet/core'
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
  /**
   * The operator's pause (workers.pause collector), asked every `pauseCheckMs` (default 2 s): while
   * paused every Docker log follower is stopped; on resume they start again from their positions.
   */
  isPaused?: () => Promise<boolean>
  pauseCheckMs?: number
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
  /** Every Docker follower by the host whose containers it reads. */
  const byHost = (): [string, DockerLogCollector][] => [
    ...(collector ? [[LOCAL_HOST_ID, collector] as [string, DockerLogCollector]] : []),
    ...hostCollectors,
  ]
  const lag = collectorLag(options.db.settings, (error) => report(error, 'lag'))
  const report = (error: unknown, context: string) => {
    if (options.onError) options.onError(error, context)
    else console.error(`collector: ${context}:`, error instanceof Error ? error.message : error)
  }
  let paused = false
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
    if (paused) parts.push('paused by an operator')
    for (const [hostId, since] of lag.behind) parts.push(`${hostId} behind since ${since.toISOString()}`)
    const degraded = failingWrites || failingDocker || backlogStuck
    return { status: degraded ? 'degraded' : 'ok', detail: parts.join(', ') }
  }
  const startFollowing = async (hostId: string, follower: DockerLogCollector, current = () => true) => {
    // Behind until it has read its backlog (since the last stop, recorded by that stop).
    await lag.markBehind(hostId)
    // A follow or unfollow of the same host that came meanwhile replaced or removed this follower.
    if (!paused && current()) await follower.start()
  }
  if (options.isPaused) paused = await options.isPaused()
  if (collector) await startFollowing(LOCAL_HOST_ID, collector)
  // Caught up: everything followed and nothing waiting in the pipeline, at two checks in a row (a
  // stream just opened delivers its backlog within the interval).
  const settledOnce = new Set<string>()
  const check = async () => {
    const pause = options.isPaused ? await options.isPaused() : false
    if (pause !== paused) {
      paused = pause
      if (pause) {
        await Promise.all(
          byHost().map(([hostId, follower]) => follower.stop().then(() => lag.markBehind(hostId))),
        )
      } else await Promise.all(byHost().map(([, follower]) => follower.start()))
    }
    for (const [hostId, follower] of byHost()) {
      if (paused || !follower.isFollowingAll() || pipeline.stats().pending > 0) settledOnce.delete(hostId)
      else if (!settledOnce.has(hostId)) settledOnce.add(hostId)
      else await lag.markCaughtUp(hostId)
    }
  }
  let checking = false
  const checkTimer = setInterval(() => {
    if (checking) return
    checking = true
    check()
      .catch((error) => report(error, 'pause check'))
      .finally(() => {
        checking = false
      })
  }, options.pauseCheckMs ?? 2_000)
  checkTimer.unref()
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
      await startFollowing(hostId, follower, () => hostCollectors.get(hostId) === follower)
    },
    async unfollowHost(hostId) {
      const follower = hostCollectors.get(hostId)
      hostCollectors.delete(hostId)
      await follower?.stop()
      await lag.forget(hostId)
    },
    async stop() {
      clearInterval(checkTimer)
      // Nobody reads these hosts' logs from now on: the next start catches up from here.
      await Promise.all(byHost().map(([hostId]) => lag.markBehind(hostId)))
      await Promise.all([...hostCollectors.values()].map((each) => each.stop()))
      hostCollectors.clear()
      await collector?.stop()
      await pipeline.close()
      const final = health()
      await heartbeat.stop({ status: final.status, detail: `stopped; ${final.detail}` })
    },
  }
}

/**
 * Since when the collector has been behind on each host, kept in settings (workers.list reads it
 * across processes) and written only when it changes: set when its followers stop or start, cleared
 * once they have read everything. A stored time survives a restart, so the downtime counts.
 */
function collectorLag(settings: CollectorWorkerOptions['db']['settings'], report: (error: unknown) => void) {
  const behind = new Map<string, Date>()
  return {
    behind: behind as ReadonlyMap<string, Date>,
    async markBehind(hostId: string): Promise<void> {
      if (behind.has(hostId)) return
      const stored = await settings.get(collectorBehindSettingKey(hostId)).catch((error: unknown) => {
        report(error)
        return undefined
      })
      const since =
        typeof stored === 'string' && !Number.isNaN(Date.parse(stored)) ? new Date(stored) : new Date()
      behind.set(hostId, since)
      await settings.set(collectorBehindSettingKey(hostId), since.toISOString())
    },
    async markCaughtUp(hostId: string): Promise<void> {
      if (!behind.delete(hostId)) return
      await settings.delete(collectorBehindSettingKey(hostId))
    },
    async forget(hostId: string): Promise<void> {
      behind.delete(hostId)
      await settings.delete(collectorBehindSettingKey(hostId))
    },
  }
}
