// Messages between a SQLite handle (main thread) and its ingest worker thread (writer-thread.ts).
import type { IngestWrite } from '../repos/ingest-write.ts'
import type { SqlArg } from '../sql.ts'

export interface IngestWorkerData {
  /** The database file the worker opens its write connection on. */
  file: string
}

export type ToWorker =
  /** A slice of batch `id`'s Log row values, in order; the batch itself follows. */
  | { type: 'rows'; id: number; values: SqlArg[] }
  /** Batch `id` without its Log row values (sent before as `rows`): write it all now. */
  | { type: 'write'; id: number; batch: Omit<IngestWrite, 'logValues'> }
  | { type: 'close' }

export type FromWorker =
  | { type: 'written'; id: number; ids: number[] }
  | { type: 'failed'; id: number; error: { message: string; code?: string } }
  /** The worker's write waits for another process's lock (`true`) or no longer does (`false`). */
  | { type: 'lock-wait'; waiting: boolean }
  | { type: 'closed' }
