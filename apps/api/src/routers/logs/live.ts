import { parseSearch } from '@decnet/db'
import { tracked } from '@trpc/server'
import { viewerStreamProcedure } from '../../auth/session-watch.ts'
import { toLogOutput } from '../../logs/log-output.ts'
import { ZLiveLogsInput, ZLiveLogsOutput } from './live.types.ts'

const CATCH_UP_BATCH = 500

/**
 * New log rows matching `q` as they are ingested. The bus only says "something arrived"; rows are
 * read from the database after the last id sent, so a reconnect (Last-Event-ID) misses nothing.
 */
export const liveLogsProcedure = viewerStreamProcedure
  .input(ZLiveLogsInput)
  .output(ZLiveLogsOutput)
  .subscription(async function* ({ ctx, input, signal }) {
    const { db, bus } = ctx.services
    parseSearch(input.q ?? '') // a malformed query fails now, as BAD_REQUEST, not mid-stream
    const reveal = ctx.session.user.role === 'admin'
    const arrivals = bus.subscribe('log.ingested', { signal, bufferSize: 1 })
    let lastId = Number(input.lastEventId)
    if (!Number.isInteger(lastId) || lastId < 0) {
      // A fresh subscriber starts from now.
      const newest = await db.logs.search({ limit: 1 })
      lastId = newest.rows[0]?.id ?? 0
    }
    const drain = async function* () {
      for (;;) {
        const rows = await db.logs.since(lastId, { q: input.q, limit: CATCH_UP_BATCH })
        for (const row of rows) {
          lastId = row.id
          yield tracked(String(row.id), toLogOutput(row, reveal))
        }
        if (rows.length < CATCH_UP_BATCH) return
      }
    }
    yield* drain()
    for await (const _arrival of arrivals) yield* drain()
  })
