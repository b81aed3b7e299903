import type { LifecycleRow } from '@decnet/core'

export type SseEvent = { id: string | undefined; data: LifecycleRow }

/** Reads `fleet.watchLifecycle` over raw SSE until `stop` says so; returns the tracked events. */
export async function readSse(
  url: string,
  token: string,
  ids: string[],
  stop: (events: SseEvent[]) => boolean,
  lastEventId?: string,
): Promise<SseEvent[]> {
  const abort = new AbortController()
  const input = encodeURIComponent(JSON.stringify({ ids }))
  const response = await fetch(`${url}/trpc/fleet.watchLifecycle?input=${input}`, {
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal: abort.signal,
  })
  const reader = response.body!.getReader()
  const events: SseEvent[] = []
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
          events.push({ id: id?.slice(4), data: JSON.parse(data.slice(6)) as LifecycleRow })
        }
        end = buffer.indexOf('\n\n')
      }
    }
  } finally {
    abort.abort()
  }
  return events
}
