// incidents.onNew: incidents as they open, each tracked by its id, so a reconnecting client
// (Last-Event-ID) gets the ones it missed from the database before the live ones.
import type { IncidentRow } from '@decnet/db'
import { tracked } from '@trpc/server'
import type { ApiServices } from '../context.ts'
import { INCIDENT_FEED_BATCH } from './incident-feed.ts'

/** New incidents held for one slow client; past it the client re-reads from the database instead. */
const MAX_QUEUED = 1000
/** Incident ids are time-ordered UUIDs; anything else as a resume point means "from now". */
const INCIDENT_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export async function* newIncidents(
  services: Pick<ApiServices, 'db' | 'incidentFeed'>,
  request: { lastEventId?: string | null | undefined },
  signal: AbortSignal | undefined,
) {
  const { db, incidentFeed } = services
  const queue: IncidentRow[] = []
  let behind = false
  let wake: (() => void) | undefined
  const subscription = await incidentFeed.listen((incidents) => {
    if (behind) return
    queue.push(...incidents)
    if (queue.length > MAX_QUEUED) {
      queue.length = 0
      behind = true
    }
    wake?.()
  })
  const onAbort = () => wake?.()
  signal?.addEventListener('abort', onAbort)
  try {
    const resumeFrom = request.lastEventId ?? ''
    let last =
      INCIDENT_ID_RE.test(resumeFrom) && resumeFrom < subscription.position
        ? resumeFrom
        : subscription.position
    /** Reads what opened after `last` from the database, up to `until` (what the feed will announce next). */
    const catchUp = async function* (until: string | undefined) {
      for (;;) {
        const rows = await db.incidents.incidentsOpenedAfter(last, INCIDENT_FEED_BATCH)
        for (const row of rows) {
          if (until !== undefined && row.id > until) return
          last = row.id
          yield tracked(row.id, row)
        }
        if (rows.length < INCIDENT_FEED_BATCH) return
      }
    }
    yield* catchUp(subscription.position)
    while (!signal?.aborted) {
      if (behind) {
        // Everything queued was dropped: read it back, then take what the feed announces again.
        behind = false
        yield* catchUp(undefined)
      }
      const next = queue.shift()
      if (next) {
        if (next.id > last) {
          last = next.id
          yield tracked(next.id, next)
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
