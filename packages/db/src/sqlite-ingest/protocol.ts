// Messages between a SQLite handle (main thread) and its ingest worker thread (writer-thread.ts).
import type { IngestWrite } from '../repos/ingest-write.ts'

export interface IngestWorkerData {
  /** The database file the worker opens its write connection on. */
  file: string
}

export type ToWorker = { type: 'write'; id: number; batch: IngestWrite } | { type: 'close' }

export type FromWorker =
  | { type: 'written'; id: number; ids: number[] }
  | { type: 'failed'; id: number; error: { message: string; code?: string } }
  /** The worker's write waits for another process's lock (`true`) or no longer does (`false`). */
  | { type: 'lock-wait'; waiting: boolean }
  | { type: 'closed' }
