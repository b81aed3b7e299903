// Correlation: credential reuse, identities and campaigns, rebuilt by a background worker.
export { type CorrelationResult, correlate, MAX_PAIRS, TIMING_SLACK_MS } from './correlate.ts'
export {
  type CorrelationPass,
  CorrelationWorker,
  type CorrelationWorkerDatabase,
  type CorrelationWorkerHandle,
  type CorrelationWorkerOptions,
  type CorrelationWorkerStats,
  startCorrelationWorker,
} from './worker.ts'
