// The ingest worker thread: owns one write connection to the database file and commits the batches
// its handle posts, one transaction each, in the order they arrive. It runs nothing but the batch's
// statements (everything else was prepared on the main thread), so SQLite's work runs on a core of
// its own while the main thread parses, validates and tokenises the next lines.
import { parentPort, workerData } from 'node:worker_threads'
import { writeIngest } from '../repos/ingest-write.ts'
import { CORE_INTEL_ANALYSER } from '../repos/intel-batch.ts'
import type { SqlArg } from '../sql.ts'
import { SqliteExecutor } from '../sqlite.ts'
import type { FromWorker, IngestWorkerData, ToWorker } from './protocol.ts'

const port = parentPort
if (!port) throw new Error('writer-thread.ts runs only as a worker thread')
const { file } = workerData as IngestWorkerData
const post = (message: FromWorker) => port.postMessage(message)

// The handle's health check reports how long writes wait for another process's lock: tell it.
const sql = new SqliteExecutor(file, {
  waits: {
    begin() {
      post({ type: 'lock-wait', waiting: true })
      return () => post({ type: 'lock-wait', waiting: false })
    },
  },
})

let queue: Promise<void> = Promise.resolve()
/** Log row values of the batches whose `write` has not arrived yet. */
const rows = new Map<number, SqlArg[][]>()

port.on('message', (message: ToWorker) => {
  if (message.type === 'rows') {
    const slices = rows.get(message.id)
    if (slices) slices.push(message.values)
    else rows.set(message.id, [message.values])
    return
  }
  // One batch at a time, in arrival order: the Log ids follow the order batches were handed over.
  queue = queue.then(() => handle(message))
})

async function handle(message: Exclude<ToWorker, { type: 'rows' }>): Promise<void> {
  if (message.type === 'close') {
    sql.close()
    post({ type: 'closed' })
    port?.close()
    return
  }
  const slices = rows.get(message.id) ?? []
  rows.delete(message.id)
  const batch = { ...message.batch, logValues: slices.length === 1 ? (slices[0] as SqlArg[]) : slices.flat() }
  try {
    const ids = await sql.transaction(() => writeIngest(sql, 'sqlite', batch, CORE_INTEL_ANALYSER))
    post({ type: 'written', id: message.id, ids })
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    post({
      type: 'failed',
      id: message.id,
      error: {
        message: error instanceof Error ? error.message : String(error),
        ...(typeof code === 'string' ? { code } : {}),
      },
    })
  }
}
