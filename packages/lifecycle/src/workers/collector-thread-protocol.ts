// Messages between the API's thread and the collector thread (collector-thread.ts ↔
// collector-thread-entry.ts). Everything here is plain data: it crosses by structured clone.
import type { EngineKind } from '@decnet/core'
import type { DecoyEvent } from '@decnet/decoys'
import type { BusMessage } from '../bus/events.ts'
import type { DockerConnection } from '../engine/docker-client.ts'

export type CollectorThreadData = {
  /** The database the thread opens its own handle on (never `:memory:`: a thread cannot share it). */
  databaseUrl: string
  engine: EngineKind
  connection?: DockerConnection
  instance?: string
  rescanIntervalMs?: number
  heartbeatIntervalMs?: number
  pauseCheckMs?: number
  ingest?: { batchSize?: number; flushIntervalMs?: number; maxQueue?: number }
}

export type ToCollectorThread =
  /** The local engine's in-process decoy events, in arrival order. */
  | { type: 'events'; events: DecoyEvent[] }
  | { type: 'follow'; id: number; hostId: string; connection: DockerConnection }
  | { type: 'unfollow'; id: number; hostId: string }
  /** Stop following, store everything received, write the final heartbeat, close the database. */
  | { type: 'stop'; id: number }

export type FromCollectorThread =
  | { type: 'ready' }
  /** Published on the API's bus (`log.ingested` after each stored batch). */
  | { type: 'bus'; message: BusMessage }
  | { type: 'error'; context: string; message: string }
  | { type: 'done'; id: number; error?: string }
