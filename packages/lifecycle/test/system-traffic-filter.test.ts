import type { DecnetDatabase, LogEventInput } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { SystemTrafficFilter } from '../src/workers-index.ts'

const provider = sqliteTestDatabase()
let db: DecnetDatabase
beforeEach(async () => {
  db = (await provider.open()).db
})
afterAll(() => provider.cleanup())

const T = (second: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, second))
const event = (overrides: Partial<LogEventInput>): LogEventInput => ({
  timestamp: T(5),
  decky: 'd1',
  service: 'ssh',
  eventType: 'connect',
  attackerIp: '172.31.77.1',
  attackerPort: 40_001,
  rawLine: '{}',
  ...overrides,
})

/** A readiness probe of d1's from 172.31.77.1:40001, valid from second 0 to 10. */
const PROBE = {
  decky: 'd1',
  sourceIp: '172.31.77.1',
  sourcePort: 40_001,
  protocol: 'tcp',
  validFrom: T(0),
  validUntil: T(10),
} as const

describe('system traffic filter', () => {
  it('flags only events from a recorded source: same decky, address and port, inside its window', async () => {
    await db.probeSources.record([PROBE])
    const filter = new SystemTrafficFilter(db.probeSources)
    const batch = [
      event({}),
      event({ eventType: 'disconnect', timestamp: T(10) }),
      // Same address, another port: a client on the same machine (tests, operators, attackers).
      event({ attackerPort: 40_002 }),
      event({ decky: 'd2' }),
      event({ attackerIp: '198.51.100.7' }),
      event({ timestamp: T(11) }),
      event({ attackerPort: null }),
    ]
    await filter.flag(batch)
    expect(batch.map((e) => e.system === true)).toEqual([true, true, false, false, false, false, false])
  })

  it('sees sources recorded after it started (another process probing) on its next batch', async () => {
    const filter = new SystemTrafficFilter(db.probeSources)
    const first = [event({})]
    await filter.flag(first)
    expect(first[0]?.system).toBeUndefined()
    await db.probeSources.record([PROBE])
    const second = [event({})]
    await filter.flag(second)
    expect(second[0]?.system).toBe(true)
  })
})
