// Open subscriptions (logs.live, fleet.watchLifecycle) belong to a session: they are capped per user
// and end when that session stops being valid as it was opened — signed out, password changed or
// reset, user deleted, role changed, bulk revocation, expiry. Whatever changes a user's sessions
// publishes `session.changed` on the bus (LISTEN/NOTIFY on PostgreSQL, so every API process hears
// it); each process re-checks its streams of that user against the database. A slow periodic re-check
// covers a notification the best-effort bus lost.

import { type Bus, topics } from '@decnet/lifecycle'
import { TRPCError } from '@trpc/server'
import { AppError } from '../app-error.ts'
import type { ApiServices, Session } from '../context.ts'
import { viewerProcedure } from '../trpc.ts'
import { activeTokenPrincipal } from './api-tokens.ts'

/**
 * Live streams one user may hold open in one API process (logs.live and fleet.watchLifecycle
 * together). Past it a new stream is refused with TOO_MANY_REQUESTS; the open ones are kept (closing
 * the oldest would let one tab silently starve another).
 */
export const MAX_STREAMS_PER_USER = 10
/** Backstop re-check of every open stream's session, for a lost bus notification. */
const RECHECK_INTERVAL_MS = 30_000
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2_147_483_647

/** Tells every API process that this user's sessions may have changed (call after the database write). */
export function announceSessionChange(bus: Bus, userId: string): void {
  bus.publish({ topic: topics.sessionChanged, type: 'session.changed', payload: { userId } })
}

interface OpenStream {
  session: Session
  end(reason: string): void
}

/** Why a session no longer carries the stream it opened, or null while it still does. */
async function whyEnded(services: ApiServices, session: Session): Promise<string | null> {
  if (session.expiresAt.getTime() <= Date.now()) return 'your session expired'
  if (session.apiTokenId) {
    return (await activeTokenPrincipal(services, session.user.id)) ? null : 'the API token was revoked'
  }
  const user = await services.db.users.findById(session.user.id)
  if (!user) return 'your account was deleted'
  if (user.role !== session.user.role) return 'your role changed; sign in again'
  if (user.tokensValidFrom && session.issuedAtMs < user.tokensValidFrom.getTime()) {
    return 'your session was revoked; sign in again'
  }
  if (await services.db.tokens.isRevoked(session.jti)) return 'you signed out'
  return null
}

/** One per bus (per API process): the open streams by user, and the one bus subscription. */
class SessionWatch {
  private readonly streams = new Map<string, Set<OpenStream>>()
  private stopListening: (() => void) | undefined
  private recheckTimer: NodeJS.Timeout | undefined

  constructor(private readonly services: ApiServices) {}

  open(session: Session, end: (reason: string) => void): () => void {
    const mine = this.streams.get(session.user.id) ?? new Set<OpenStream>()
    if (mine.size >= MAX_STREAMS_PER_USER) {
      throw new AppError(
        'rate_limited',
        `at most ${MAX_STREAMS_PER_USER} live streams per user; close one first`,
      )
    }
    const stream: OpenStream = { session, end }
    mine.add(stream)
    this.streams.set(session.user.id, mine)
    this.start()
    return () => {
      mine.delete(stream)
      if (mine.size === 0 && this.streams.get(session.user.id) === mine) this.streams.delete(session.user.id)
      if (this.streams.size === 0) this.stop()
    }
  }

  private start(): void {
    if (this.stopListening) return
    this.stopListening = this.services.bus.on(topics.sessionChanged, (event) => {
      if (event.type === 'session.changed') return this.recheck(event.payload.userId)
    })
    this.recheckTimer = setInterval(() => {
      for (const userId of this.streams.keys()) void this.recheck(userId)
    }, RECHECK_INTERVAL_MS)
    this.recheckTimer.unref()
  }

  private stop(): void {
    this.stopListening?.()
    this.stopListening = undefined
    clearInterval(this.recheckTimer)
    this.recheckTimer = undefined
  }

  private async recheck(userId: string): Promise<void> {
    for (const stream of [...(this.streams.get(userId) ?? [])]) {
      try {
        const reason = await whyEnded(this.services, stream.session)
        if (reason) stream.end(reason)
      } catch (error) {
        // The database is away: keep the stream; the next notification or re-check decides.
        console.error('session-watch: could not re-check a session:', error)
      }
    }
  }
}

const watches = new WeakMap<Bus, SessionWatch>()

function watchFor(services: ApiServices): SessionWatch {
  let watch = watches.get(services.bus)
  if (!watch) {
    watch = new SessionWatch(services)
    watches.set(services.bus, watch)
  }
  return watch
}

/**
 * Yields what `stream` yields until the session ends, then fails with UNAUTHORIZED saying why. The
 * stream's own resolver lets go of its bus subscription when the response closes (its signal aborts).
 */
async function* untilSessionEnds<T>(
  stream: AsyncIterable<T>,
  ended: Promise<void>,
  why: () => string | undefined,
  release: () => void,
): AsyncGenerator<T, void, unknown> {
  const iterator = stream[Symbol.asyncIterator]()
  const stop = ended.then(() => null)
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), stop])
      const reason = why()
      if (next === null || reason !== undefined) {
        throw new TRPCError({ code: 'UNAUTHORIZED', message: `stream ended: ${reason}` })
      }
      if (next.done) return
      yield next.value
    }
  } finally {
    release()
    void iterator.return?.()?.catch(() => {})
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value
}

/**
 * For subscriptions: the stream counts against the user's cap (TOO_MANY_REQUESTS past it) and ends,
 * with an UNAUTHORIZED error saying why, once the session it was opened with is no longer valid.
 */
export const viewerStreamProcedure = viewerProcedure.use(async ({ ctx, signal, next }) => {
  let reason: string | undefined
  let wake: () => void = () => {}
  const ended = new Promise<void>((resolve) => {
    wake = resolve
  })
  const end = (why: string) => {
    reason ??= why
    wake()
  }
  const unregister = watchFor(ctx.services).open(ctx.session, end)
  const expiry = setTimeout(
    () => end('your session expired'),
    Math.min(Math.max(ctx.session.expiresAt.getTime() - Date.now(), 0), MAX_TIMER_MS),
  )
  expiry.unref()
  let released = false
  const release = () => {
    if (released) return
    released = true
    clearTimeout(expiry)
    unregister()
    signal?.removeEventListener('abort', release)
  }
  // A client gone before the stream was ever read would otherwise keep its slot.
  signal?.addEventListener('abort', release, { once: true })
  const result = await next().catch((error: unknown) => {
    release()
    throw error
  })
  if (!result.ok || !isAsyncIterable(result.data)) {
    release()
    return result
  }
  return { ...result, data: untilSessionEnds(result.data, ended, () => reason, release) }
})
