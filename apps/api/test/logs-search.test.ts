// The Logs page's procedures: boolean search, field aliases, per-service histogram, the search box's
// key completions, and malformed queries refused with the column they went wrong at.
import { MAX_HISTOGRAM_SERIES, OTHER_SERVICES } from '@decnet/core'
import type { LogEventInput } from '@decnet/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIELD_KEYS_TTL_MS, searchKeys } from '../src/logs/field-keys.ts'
import { serviceSeries } from '../src/logs/histogram-series.ts'
import { readyAdmin } from './support/accounts.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute))
const UNCLOSED = 'service:ssh AND (root OR admin'

function event(overrides: Partial<LogEventInput>): LogEventInput {
  return {
    timestamp: T(0),
    decky: 'decky-01',
    service: 'ssh',
    eventType: 'auth_attempt',
    attackerIp: '203.0.113.7',
    rawLine: 'login attempt',
    fields: {},
    ...overrides,
  }
}

describe('logs procedures (in process)', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS, viewer: 'logviewer' })
  beforeAll(async () => {
    await api.services.db.logs.ingest([
      event({ timestamp: T(0), fields: { username: 'root', password: 'toor' } }),
      event({ timestamp: T(1), fields: { username: 'admin', password: 'admin' } }),
      event({ timestamp: T(2), fields: { username: 'guest', password: 'guest' } }),
      event({
        timestamp: T(3),
        service: 'http',
        eventType: 'request',
        rawLine: 'GET /admin',
        fields: { path: '/admin' },
      }),
      event({
        timestamp: T(20),
        service: 'ftp',
        eventType: 'command',
        rawLine: 'USER root',
        fields: { command: 'USER root' },
      }),
    ])
  })

  it('searches with OR and parentheses, and user:root finds the username field', async () => {
    const paths = async (q: string) => (await api.viewer.logs.search({ q })).total
    expect(await paths('service:ssh AND (root OR admin)')).toBe(2)
    expect(await paths('service:ssh (root OR admin) NOT pass:admin')).toBe(1)
    expect(await paths('user:root')).toBe(1)
    expect(await paths('admin OR service:ftp')).toBe(3)
  })

  it('refuses every malformed query with BAD_REQUEST and the column, on search, histogram, live and export', async () => {
    const refusal = async (call: Promise<unknown>) => {
      try {
        await call
        return 'accepted'
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`
      }
    }
    const expected = 'BAD_REQUEST: unclosed parenthesis at column 17'
    expect(await refusal(api.viewer.logs.search({ q: UNCLOSED }))).toBe(expected)
    expect(await refusal(api.viewer.logs.histogram({ q: UNCLOSED, bucketMinutes: 5 }))).toBe(expected)
    // A stream is refused when it is opened, before its first event.
    const firstLive = async () => {
      const stream = await api.viewer.logs.live({ q: UNCLOSED })
      return stream[Symbol.asyncIterator]().next()
    }
    expect(await refusal(firstLive())).toBe(expected)
    expect(await refusal(api.viewer.exports.logs({ format: 'csv', q: UNCLOSED }))).toBe(expected)
    expect(await refusal(api.viewer.logs.search({ q: 'root OR' }))).toBe(
      "BAD_REQUEST: 'OR' has no term after it at column 6",
    )
  })

  it('splits the histogram per service, busiest first, buckets adding up to the total', async () => {
    const histogram = await api.viewer.logs.histogram({ bucketMinutes: 10 })
    expect(histogram.services).toEqual(['ssh', 'ftp', 'http'])
    expect(histogram.buckets).toEqual([
      { t: T(0).toISOString(), count: 4, byService: [3, 0, 1] },
      { t: T(20).toISOString(), count: 1, byService: [0, 1, 0] },
    ])
    const narrowed = await api.viewer.logs.histogram({
      q: 'admin',
      bucketMinutes: 10,
      from: T(1).toISOString(),
    })
    expect(narrowed).toEqual({
      services: ['http', 'ssh'],
      buckets: [{ t: T(0).toISOString(), count: 2, byService: [1, 1] }],
    })
  })

  it('folds services beyond the series limit into one "other" series', () => {
    const rows = Array.from({ length: MAX_HISTOGRAM_SERIES + 2 }, (_, i) => ({
      t: T(0),
      count: 100 - i,
      service: `svc-${i}`,
    }))
    const series = serviceSeries(rows)
    expect(series.services).toHaveLength(MAX_HISTOGRAM_SERIES)
    expect(series.services.at(-1)).toBe(OTHER_SERVICES)
    const [bucket] = series.buckets
    expect(bucket?.count).toBe(rows.reduce((sum, row) => sum + row.count, 0))
    expect(bucket?.byService.reduce((sum, n) => sum + n, 0)).toBe(bucket?.count)
    // The folded series holds the three least busy services.
    expect(bucket?.byService.at(-1)).toBe(93 + 92 + 91)
  })

  it('offers the grammar keys and the captured field keys, cached for a few seconds', async () => {
    const { keys } = await api.viewer.logs.fields()
    const byName = new Map(keys.map((key) => [key.name, key.kind]))
    expect(byName.get('service')).toBe('column')
    expect(byName.get('user')).toBe('alias')
    expect(byName.get('last')).toBe('scope')
    expect(byName.get('username')).toBe('field')
    expect(byName.get('command')).toBe('field')
    expect(keys.filter((key) => key.name === 'password')).toHaveLength(1)
    expect(byName.has('secret_fields')).toBe(false)

    const db = api.services.db
    const now = Date.now()
    const before = await searchKeys(db, now)
    await db.logs.ingest([event({ timestamp: T(30), fields: { brand_new_key: 'x' } })])
    expect(await searchKeys(db, now + 1000)).toBe(before)
    const later = await searchKeys(db, now + FIELD_KEYS_TTL_MS + 1)
    expect(later.map((key) => key.name)).toContain('brand_new_key')
  })
})

describe('a malformed search over HTTP', () => {
  let server: ServerProcess
  let token: string
  beforeAll(async () => {
    server = await startServerProcess({
      DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator,incidents',
    })
    ;({ token } = await readyAdmin(server))
  })
  afterAll(() => server.stop())

  it('carries the position as structured data next to the message', async () => {
    const input = encodeURIComponent(JSON.stringify({ q: UNCLOSED }))
    const response = await fetch(`${server.url}/trpc/logs.search?input=${input}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(response.status).toBe(400)
    const body = (await response.json()) as {
      error: { message: string; data: { code: string; searchError?: unknown; stack?: unknown } }
    }
    expect(body.error.message).toBe('unclosed parenthesis at column 17')
    expect(body.error.data.code).toBe('BAD_REQUEST')
    expect(body.error.data.searchError).toEqual({ position: 16, column: 17 })
    expect(body.error.data.stack).toBeUndefined()
  })
})
