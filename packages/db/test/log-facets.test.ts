import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DecnetDatabase } from '../src/database.ts'
import { databases, event } from './fixtures.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute))

describe.each(databases())('log histogram per service and field keys on $kind', (provider) => {
  let db: DecnetDatabase
  beforeAll(async () => {
    ;({ db } = await provider.open())
    await db.logs.ingest([
      event({ timestamp: T(0), service: 'ssh', fields: { username: 'root', password: 'x' } }),
      event({ timestamp: T(1), service: 'ssh', fields: { username: 'admin', secret_fields: ['password'] } }),
      event({ timestamp: T(2), service: 'http', fields: { method: 'GET', path: '/' } }),
      event({ timestamp: T(11), service: 'http', fields: { method: 'POST' } }),
      event({ timestamp: T(12), service: 'smb', fields: { dialects: ['NT LM 0.12'] } }),
      // DECNET's own probe: never charted, and its keys are not offered.
      event({ timestamp: T(1), service: 'ssh', system: true, fields: { probe_only: 1 } }),
    ])
  })
  afterAll(() => provider.cleanup())

  it('splits each bucket per service in one grouped query, leaving probe rows out', async () => {
    const rows = await db.logs.histogram({ bucketMinutes: 10, byService: true })
    const sorted = [...rows].sort(
      (a, b) => a.t.getTime() - b.t.getTime() || (a.service ?? '').localeCompare(b.service ?? ''),
    )
    expect(sorted).toEqual([
      { t: T(0), count: 1, service: 'http' },
      { t: T(0), count: 2, service: 'ssh' },
      { t: T(10), count: 1, service: 'http' },
      { t: T(10), count: 1, service: 'smb' },
    ])
    // The per-service counts add up to the plain histogram's buckets.
    expect(await db.logs.histogram({ bucketMinutes: 10 })).toEqual([
      { t: T(0), count: 3 },
      { t: T(10), count: 2 },
    ])
    // With a query (OR group), only its matches are split.
    expect(await db.logs.histogram({ q: 'service:smb OR get', bucketMinutes: 10, byService: true })).toEqual([
      { t: T(0), count: 1, service: 'http' },
      { t: T(10), count: 1, service: 'smb' },
    ])
    expect(await db.logs.histogram({ q: 'system:true', bucketMinutes: 10, byService: true })).toEqual([
      { t: T(0), count: 1, service: 'ssh' },
    ])
  })

  it('lists the captured field keys of recent attack events, most common first', async () => {
    expect(await db.logFields.recentKeys()).toEqual([
      { name: 'method', count: 2 },
      { name: 'username', count: 2 },
      { name: 'dialects', count: 1 },
      { name: 'password', count: 1 },
      { name: 'path', count: 1 },
    ])
    // The sample is the newest rows only.
    expect((await db.logFields.recentKeys(1)).map((k) => k.name)).toEqual(['dialects'])
  })
})
