export * from './artifacts/index.ts'
export type { Bus, BusHandler, SubscribeOptions } from './bus/bus.ts'
export type {
  BusEvent,
  BusEventType,
  BusMessage,
  BusPayloads,
  BusTopicOf,
} from './bus/events.ts'
export { InProcessBus } from './bus/in-process.ts'
export { PostgresBus, type PostgresBusOptions } from './bus/postgres.ts'
export { topicMatches, topics } from './bus/topics.ts'
export * from './correlation/index.ts'
export { DockerCallError } from './engine/docker/calls.ts'
export {
  DeckyNotReachableError,
  DockerEngine,
  type DockerEngineOptions,
  StackShapingError,
} from './engine/docker/engine.ts'
export { buildImage, ImageMissingError } from './engine/docker/image.ts'
export {
  activateImage,
  IMAGE_TRANSFER_TIMEOUT_MS,
  ImageDigestMismatchError,
  type ImageTransferProgress,
  imageDigest,
  imageVersionTag,
  transferImage,
} from './engine/docker/image-push.ts'
export {
  createDockerClient,
  DOCKER_CALL_TIMEOUT_MS,
  type DockerConnection,
  type DockerTls,
  type EngineProbe,
  probeDockerEngine,
} from './engine/docker-client.ts'
export {
  type DecoyFault,
  DecoyWorkerHost,
  type DecoyWorkerHostOptions,
} from './engine/local/decoy-worker-host.ts'
export { LocalEngine, type LocalEngineOptions, type StartService } from './engine/local/engine.ts'
export { loopbackAddressFor } from './engine/local/loopback.ts'
export { type DeckyRecord, deckySpecFor } from './engine/spec.ts'
export type {
  ConvergeReport,
  DeckyEngine,
  DeckyHealth,
  DeckyObservation,
  DeckyServiceSpec,
  DeckySpec,
  NetworkContext,
  OperationOptions,
  ReapOptions,
} from './engine/types.ts'
export { assertDeckyName, DEFAULT_REAP_MIN_AGE_MS } from './engine/types.ts'
export * from './enrichment/index.ts'
export * from './incidents/index.ts'
export {
  describeFailures,
  type PortFailure,
  type ProbeFrom,
  type ProbeResult,
  probeTcp,
  probeUdp,
  type ReadinessOptions,
  type ReadinessResult,
  waitUntilReachable,
} from './probe/probe.ts'
export {
  CLOCK_SKEW_MS,
  databaseProbeLedger,
  PROBE_SOURCE_RETENTION_MS,
  type ProbeLedger,
  type ProbeSource,
} from './probe/probe-ledger.ts'
export {
  type FleetStateStore,
  type ObservedDeckyState,
  type ReconcilePass,
  Reconciler,
  type ReconcilerHealth,
  type RepairRequest,
} from './reconcile/reconciler.ts'
export { DEFAULT_REPAIR_POLICY, type RepairPolicy } from './reconcile/repair-policy.ts'
export type { ClaimRequest, FinishOutcome, LifecycleQueue, QueueRow } from './runner/queue.ts'
export {
  errorText,
  type LifecycleExecutor,
  LifecycleRunner,
  type LifecycleRunnerOptions,
  publishLifecycleTransition,
} from './runner/runner.ts'
export * from './workers-index.ts'
