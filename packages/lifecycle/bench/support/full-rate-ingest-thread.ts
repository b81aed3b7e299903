// The worker-thread side of the reads-under-ingest bench: what the API's collector thread does (its
// own database handle, the ingest pipeline with the system-traffic filter), fed at full rate.
// Messages in: 'start', 'stop'. Out: 'ready', then at 'stop' { stored (in the window), offered, storedAll }.
import { parentPort, workerData } from 'node:worker_threads'
import { createDatabase } from '@decnet/db'
import { IngestPipeline } from '../../src/ingest/pipeline.ts'
import { SystemTrafficFilter } from '../../src/ingest/system-traffic.ts'
import { ingestAtFullRate } from './full-rate-ingest.ts'

const port = parentPort
if (!port) throw new Error('runs only as a worker thread')
const { url, from, sources } = workerData as { url: string; from: number; sources: number }
const db = createDatabase(url)
const pipeline = new IngestPipeline({
  db,
  systemTraffic: new SystemTrafficFilter(db.probeSources),
  onError: (error) => console.error('ingest error', error),
})
let ingest: { stop(): Promise<number> } | undefined
let storedAtStart = 0
port.on('message', async (message: 'start' | 'stop') => {
  if (message === 'start') {
    storedAtStart = pipeline.stats().stored
    ingest = ingestAtFullRate(pipeline, from, sources)
    return
  }
  const stored = pipeline.stats().stored - storedAtStart
  const offered = (await ingest?.stop()) ?? 0
  await pipeline.close()
  port.postMessage({ stored, offered, storedAll: pipeline.stats().stored - storedAtStart })
  await db.close()
  port.close()
})
port.postMessage('ready')
