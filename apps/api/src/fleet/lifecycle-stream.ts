import { isTerminalStatus } from '@decnet/core'
import { type LifecycleEvent, MAX_EVENTS_AFTER } from '@decnet/db'
import { tracked } from '@trpc/server'
import type { ApiServices } from '../context.ts'
import { parseLifecycleEventId } from './lifecycle-event-id.ts'
import { toLifecycleOutput } from './lifecycle-output.ts'

type Row = ReturnType<typeof toLifecycleOutput>

function applyEvent(row: Row, event: LifecycleEvent): Row {
  const at = event.at.toISOString()
  return {
    ...row,
    status: event.status,
    attempt: event.attempt,
    error: event.error,
    updatedAt: at,
    completedAt: isTerminalStatus(event.status) ? at : null,
  }
}

/**
 * The watched rows, then every transition, each tracked by its durable LifecycleEvent id, so a
 * client resumes after a reconnect, an API restart or on another API process. A known last event id
 * (one of these rows' events, still stored) replays the events after it; anything else gets the
 * current rows. Listens before reading the database (nothing slips between), reads the events after
 * its position at each bus wake-up or poll, and ends once every watched row is terminal.
 */
export async function* watchLifecycleRows(
  services: Pick<ApiServices, 'db' | 'lifecycleFeed'>,
  request: { ids: string[]; lastEventId?: string | null | undefined },
  signal: AbortSignal | undefined,
) {
  const { db, lifecycleFeed } = services
  const ids = [...new Set(request.ids)]
  const wakes = lifecycleFeed.watch(new Set(ids), signal)
  try {
    const resumeId = parseLifecycleEventId(request.lastEventId)
    const resumable = resumeId !== null && (await db.lifecycle.hasEvent(resumeId, ids))
    const snapshot = await db.lifecycle.snapshot(ids)
    const rows = new Map(snapshot.map((row) => [row.id, toLifecycleOutput(row)]))
    const allTerminal = () => [...rows.values()].every((row) => isTerminalStatus(row.status))
    let position: number
    if (resumable) {
      // The events after it are replayed onto these rows; their other fields never change.
      position = resumeId
    } else {
      position = Math.max(0, ...snapshot.map((row) => row.eventId ?? 0))
      for (const row of rows.values()) yield tracked(String(position), row)
    }
    if (rows.size === 0) return

    let announced = Number.MAX_SAFE_INTEGER
    while (!signal?.aborted) {
      if (announced > position) {
        const events = await db.lifecycle.eventsAfter(ids, position)
        for (const event of events) {
          position = event.id
          const current = rows.get(event.lifecycleId)
          if (!current) continue
          const row = applyEvent(current, event)
          rows.set(row.id, row)
          yield tracked(String(event.id), row)
        }
        if (events.length === MAX_EVENTS_AFTER) continue // a full page: read the next one
      }
      if (allTerminal()) return
      const wake = await wakes.next()
      // A poll (announced 0) reads anyway: a notification may have been lost.
      announced = wake.announced === 0 ? Number.MAX_SAFE_INTEGER : wake.announced
    }
  } finally {
    wakes.stop()
  }
}
