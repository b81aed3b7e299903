import type { LifecycleRow } from '@decnet/core'

export type SseEvent<T = LifecycleRow> = { id: string | undefined; data: T }

/**
 * Reads subscription `path` (with `input`) over raw SSE until `stop` says so, sending `lastEventId` as
 * a reconnecting browser does; returns the tracked events (tRPC's own control events left out).
 */
export async function readSubscription<T>(
  url: string,
  token: string,
  path: string,
  input: unknown,
  stop: (events: SseEvent<T>[]) => boolean,
  lastEventId?: string,
): Promise<SseEvent<T>[]> {
  const abort = new AbortController()
  const query = encodeURIComponent(JSON.stringify(input))
  const response = await fetch(`${url}/trpc/${path}?input=${query}`, {
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal: abort.signal,
  })
  const reader = response.body!.getReader()
  const events: SseEvent<T>[] = []
  let buffer = ''
  try {
    while (!stop(events)) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += new TextDecoder().decode(value)
      let end = buffer.indexOf('\n\n')
      while (end !== -1) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = block.split('\n').find((line) => line.startsWith('data: '))
        const id = block.split('\n').find((line) => line.startsWith('id: '))
        if (data && !block.includes('event: ')) {
          events.push({ id: id?.slice(4), data: JSON.parse(data.slice(6)) as T })
        }
        end = buffer.indexOf('\n\n')
      }
    }
  } finally {
    abort.abort()
  }
  return events
}

/** Reads `fleet.watchLifecycle` over raw SSE until `stop` says so; returns the tracked events. */
export function readSse(
  url: string,
  token: string,
  ids: string[],
  stop: (events: SseEvent[]) => boolean,
  lastEventId?: string,
): Promise<SseEvent[]> {
  return readSubscription(url, token, 'fleet.watchLifecycle', { ids }, stop, lastEventId)
}
