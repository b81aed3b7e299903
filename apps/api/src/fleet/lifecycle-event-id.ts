/**
 * A watcher's resume position as sent back in SSE Last-Event-ID: a LifecycleEvent id in decimal.
 * Anything else is no position. (Whether the id is one of the watched rows' is the database's to say.)
 */
export function parseLifecycleEventId(lastEventId: string | null | undefined): number | null {
  if (!lastEventId || !/^[1-9]\d{0,14}$/.test(lastEventId)) return null
  return Number(lastEventId)
}
