import { isTrackedEnvelope, type TrackedEnvelope, tracked } from '@trpc/server'
import { z } from 'zod'

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value
}

async function* validateEach<T extends z.ZodType>(
  stream: AsyncIterable<unknown>,
  item: T,
): AsyncGenerator<TrackedEnvelope<z.output<T>>> {
  for await (const value of stream) {
    if (!isTrackedEnvelope(value)) throw new Error('subscription events must be tracked (resumable)')
    yield tracked(value[0], item.parse(value[1]))
  }
}

/** The per-event schema behind each stream schema, for introspection (e.g. the secret-field audit test). */
export const streamItemSchemas = new WeakMap<z.ZodType, z.ZodType>()

/**
 * Output schema for a subscription: every event is parsed by `item` (so nothing beyond the declared
 * shape is streamed) and must carry a tracked id (so clients resume from Last-Event-ID).
 */
export function zTrackedStream<T extends z.ZodType>(item: T) {
  const schema = z
    .custom<AsyncIterable<TrackedEnvelope<z.input<T>>>>(isAsyncIterable, 'expected an event stream')
    .transform((stream) => validateEach(stream, item))
  streamItemSchemas.set(schema, item)
  return schema
}
