// The one poller of new incidents per API process: whoever subscribes (incidents.onNew), the
// database is read once per period for all of them, and only while someone listens.
import type { IncidentRow } from '@decnet/db'
import type { ApiServices } from '../context.ts'

/** How often the shared poller looks for new incidents while anyone listens. */
export const INCIDENT_POLL_MS = 1000
/** Incidents read per query; a full page is followed at once by the next. */
export const INCIDENT_FEED_BATCH = 200

/** An incident that opened (or reopened), with the durable id of that event (its outbox row). */
export type OpenedIncident = { eventId: number; incident: IncidentRow }

export type IncidentListener = (opened: readonly OpenedIncident[]) => void

export type IncidentFeedSubscription = {
  /** Events up to this id had happened when the listener joined; it hears only later ones. */
  position: number
  stop(): void
}

/**
 * New incidents, in the order the grouping worker committed them (its 'opened' outbox rows), fanned
 * out to every listener. The database is the truth: a listener resuming from an older event reads
 * those itself and hears the rest from here.
 */
export class IncidentFeed {
  private readonly listeners = new Set<IncidentListener>()
  private position: number | undefined
  private starting: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private polling: Promise<void> | undefined
  private closed = false

  constructor(
    private readonly db: Pick<ApiServices['db'], 'incidents'>,
    private readonly pollMs = INCIDENT_POLL_MS,
  ) {}

  /** Starts hearing new incidents; resolves once the feed knows where "now" is. */
  async listen(listener: IncidentListener): Promise<IncidentFeedSubscription> {
    this.listeners.add(listener)
    try {
      await this.start()
    } catch (error) {
      this.listeners.delete(listener)
      throw error
    }
    return {
      position: this.position ?? 0,
      stop: () => {
        this.listeners.delete(listener)
        if (this.listeners.size === 0) this.stop()
      },
    }
  }

  /** Reads new incidents now instead of at the next period. */
  poke(): void {
    if (this.listeners.size > 0 && this.position !== undefined) void this.poll()
  }

  /** The newest event id announced so far; undefined while nobody listens. */
  get head(): number | undefined {
    return this.position
  }

  close(): void {
    this.closed = true
    this.listeners.clear()
    this.stop()
  }

  private start(): Promise<void> {
    this.starting ??= (async () => {
      this.position = await this.db.incidents.newestAlertId()
      if (this.closed || this.listeners.size === 0) return
      this.timer = setInterval(() => void this.poll(), this.pollMs)
      this.timer.unref()
    })().catch((error: unknown) => {
      this.starting = undefined
      throw error
    })
    return this.starting
  }

  private stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.starting = undefined
    this.position = undefined
  }

  /** One read at a time; a poll asked for while one runs joins it. */
  private poll(): Promise<void> {
    this.polling ??= this.readNew()
      .catch((error: unknown) => {
        // The database is away: the next period tries again from the same position.
        console.error('incident feed: could not read new incidents:', error)
      })
      .finally(() => {
        this.polling = undefined
      })
    return this.polling
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const after = this.position
      if (after === undefined) return
      const opened = await this.db.incidents.incidentsOpenedAfter(after, INCIDENT_FEED_BATCH)
      // Stopped (or restarted at a new position) while reading: these are not ours to announce.
      if (this.position !== after) return
      const last = opened.at(-1)
      if (!last) return
      this.position = last.eventId
      for (const listener of this.listeners) listener(opened)
      if (opened.length < INCIDENT_FEED_BATCH) return
    }
  }
}
