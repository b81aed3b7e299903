// incidents.onNew: incidents as they open (or reopen), each tracked by the durable id of that event,
// so a reconnecting client (Last-Event-ID) gets what it missed from the database before the live ones.
import { tracked } from '@trpc/server'
import type { ApiServices } from '../context.ts'
import { INCIDENT_FEED_BATCH, type OpenedIncident } from './incident-feed.ts'

/** Events held for one slow client; past it the client re-reads from the database instead. */
const MAX_QUEUED = 1000

/** A resume point sent back by a client: an event id, or null (anything else) for "from now". */
function parseEventId(text: string | null | undefined): number | null {
  return text && /^\d{1,15}$/.test(text) ? Number(text) : null
}

export async function* newIncidents(
  services: Pick<ApiServices, 'db' | 'incidentFeed'>,
  request: { lastEventId?: string | null | undefined },
  signal: AbortSignal | undefined,
) {
  const { db, incidentFeed } = services
  const queue: OpenedIncident[] = []
  let behind = false
  let wake: (() => void) | undefined
  // Listen before reading the database, so nothing opens unseen in between.
  const subscription = await incidentFeed.listen((opened) => {
    if (behind) return
    queue.push(...opened)
    if (queue.length > MAX_QUEUED) {
      queue.length = 0
      behind = true
    }
    wake?.()
  })
  const onAbort = () => wake?.()
  signal?.addEventListener('abort', onAbort)
  try {
    const resumeFrom = parseEventId(request.lastEventId)
    let last = resumeFrom !== null && resumeFrom < subscription.position ? resumeFrom : subscription.position
    /** What opened after `last`, from the database, up to `until` (where the feed took over). */
    const catchUp = async function* (until: number) {
      for (;;) {
        const opened = await db.incidents.incidentsOpenedAfter(last, INCIDENT_FEED_BATCH)
        for (const { eventId, incident } of opened) {
          if (eventId > until) return
          last = eventId
          yield tracked(String(eventId), incident)
        }
        if (opened.length < INCIDENT_FEED_BATCH) return
      }
    }
    yield* catchUp(subscription.position)
    while (!signal?.aborted) {
      if (behind) {
        // What was queued was dropped: read it back, then take what the feed announces again.
        behind = false
        yield* catchUp(Number.MAX_SAFE_INTEGER)
      }
      const next = queue.shift()
      if (next) {
        if (next.eventId > last) {
          last = next.eventId
          yield tracked(String(next.eventId), next.incident)
        }
        continue
      }
      await new Promise<void>((resolve) => {
        wake = resolve
      })
      wake = undefined
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    subscription.stop()
  }
}
