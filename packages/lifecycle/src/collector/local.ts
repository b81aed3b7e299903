/**
 * The in-process source for the local engine: emulators started with `startEmulator` hand their
 * events to a callback instead of stdout. This sink validates and queues them in the same ingest
 * pipeline the Docker collector feeds. The callback is synchronous, so a full queue drops the event
 * (counted in the pipeline's `dropped`) rather than blocking an emulator.
 */
import type { EventSink } from '@decnet/decoys'
import type { IngestPipeline } from '../ingest/pipeline.ts'

export function localEventSink(pipeline: Pick<IngestPipeline, 'offerEvent'>): EventSink {
  return (event) => {
    pipeline.offerEvent(event)
  }
}
