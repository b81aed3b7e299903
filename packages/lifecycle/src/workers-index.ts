// Public API of the collection, ingest, mutator and heartbeat workers (re-exported from index.ts).
export {
  type CollectorSettings,
  type CollectorStats,
  DockerLogCollector,
  type DockerLogCollectorOptions,
  POSITION_KEY_PREFIX,
} from './collector/collector.ts'
export { localEventSink } from './collector/local.ts'
export {
  decoyEventSchema,
  type LineContext,
  MAX_LINE_BYTES,
  MAX_RAW_LINE_CHARS,
  normalisePeer,
  type ParsedLine,
  parseDecoyEvent,
  parseDecoyLine,
  type RejectReason,
  SECRET_FIELDS_KEY,
} from './ingest/line.ts'
export {
  type IngestDatabase,
  IngestPipeline,
  type IngestPipelineOptions,
  type IngestStats,
  type SubmitResult,
} from './ingest/pipeline.ts'
export { type ProbeSourceReader, SystemTrafficFilter } from './ingest/system-traffic.ts'
export {
  commitMutation,
  type MutationDeps,
  type MutationOrigin,
  type MutationResult,
  type MutationTrigger,
} from './mutator/commit.ts'
export {
  type DeferReason,
  GLOBAL_MUTATION_INTERVAL_KEY,
  type MutatorDatabase,
  MutatorScheduler,
  type MutatorSchedulerOptions,
  type MutatorStats,
  readGlobalInterval,
  type TickReport,
} from './mutator/scheduler.ts'
export {
  type CollectorHandle,
  CollectorThread,
  type CollectorThreadOptions,
  startCollectorThread,
} from './workers/collector-thread.ts'
export {
  type CollectorWorker,
  type CollectorWorkerOptions,
  hostPositionKeyPrefix,
  startCollectorWorker,
} from './workers/collector-worker.ts'
export {
  type Heartbeat,
  type HeartbeatOptions,
  type HeartbeatState,
  startHeartbeat,
  type WorkerName,
} from './workers/heartbeat.ts'
export {
  type MutatorWorker,
  type MutatorWorkerOptions,
  startMutatorWorker,
} from './workers/mutator-worker.ts'
export { isWorkerPaused } from './workers/pause.ts'
