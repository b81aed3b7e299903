// Ingest "at full rate" for the reads-under-ingest bench: a producer offers decoy lines as fast as the
// pipeline takes them, 64 per turn of the event loop (as a socket delivers them in chunks), so the
// pipeline's own backpressure sets the pace. Runs on the caller's thread, or (full-rate-ingest-thread)
// in a worker thread with its own database handle, as the API's collector thread does.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { IngestPipeline } from '../../src/ingest/pipeline.ts'
import { decoyLine } from './decoy-lines.ts'

/** Offers lines from `from` on until `stop()`; `stop` resolves with how many were offered. */
export function ingestAtFullRate(
  pipeline: IngestPipeline,
  from: number,
  sources: number,
): { stop(): Promise<number> } {
  let running = true
  let next = from
  const producing = (async () => {
    while (running) {
      for (let i = 0; i < 64 && !pipeline.isFull; i++) pipeline.offerLine(decoyLine(next++, sources))
      await (pipeline.isFull ? pipeline.waitForSpace() : nextTurn())
    }
  })()
  return {
    async stop() {
      running = false
      await producing
      return next - from
    },
  }
}
