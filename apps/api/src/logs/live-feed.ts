import { parseSearch } from '@decnet/db'
import { tracked } from '@trpc/server'
import type { ApiServices } from '../context.ts'
import { toLogOutput } from './log-output.ts'

const CATCH_UP_BATCH = 500

/**
 * New log rows matching `q` as they are ingested, each tracked by its id. The bus only says
 * "something arrived"; rows are read from the database after the last id sent, so a reconnect
 * (Last-Event-ID) misses nothing; a fresh subscriber starts from now.
 */
export async function* liveLogs(
  services: Pick<ApiServices, 'db' | 'bus'>,
  request: { q?: string | undefined; lastEventId?: string | null | undefined },
  reveal: boolean,
  signal: AbortSignal | undefined,
) {
  const { db, bus } = services
  parseSearch(request.q ?? '') // a malformed query fails now, as BAD_REQUEST, not mid-stream
  const arrivals = bus.subscribe('log.ingested', { signal, bufferSize: 1 })
  let lastId = Number(request.lastEventId)
  if (!Number.isInteger(lastId) || lastId < 0) {
    // The newest row of any kind, so a `system:true` subscriber also starts from now.
    const newest = await db.logs.search({ q: 'system:any', limit: 1 })
    lastId = newest.rows[0]?.id ?? 0
  }
  const drain = async function* () {
    for (;;) {
      const rows = await db.logs.since(lastId, { q: request.q, limit: CATCH_UP_BATCH })
      for (const row of rows) {
        lastId = row.id
        yield tracked(String(row.id), toLogOutput(row, reveal))
      }
      if (rows.length < CATCH_UP_BATCH) return
    }
  }
  yield* drain()
  for await (const _arrival of arrivals) yield* drain()
}
