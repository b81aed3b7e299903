import { describe, expect, it } from 'vitest'
import { databases, freshDatabaseEachTest } from './fixtures.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 11, 3, 10, minute))
const HASH_A = 'a'.repeat(64)
const HASH_B = 'b'.repeat(64)

describe.each(databases())('artifacts on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('keeps one row per content and one sighting per time it was seen', async () => {
    const first = await fresh.db.artifacts.record({
      sha256: HASH_A,
      size: 120,
      truncated: false,
      decky: 'decky-01',
      source: 'download',
      name: 'http://198.18.0.9/payload.sh',
      attackerIp: '203.0.113.7',
      seenAt: T(1),
    })
    const again = await fresh.db.artifacts.record({
      sha256: HASH_A,
      size: 120,
      truncated: false,
      decky: 'decky-02',
      source: 'upload',
      name: '/tmp/payload.sh',
      attackerIp: null,
      seenAt: T(5),
    })
    await fresh.db.artifacts.record({
      sha256: HASH_B,
      size: 8_388_608,
      truncated: true,
      decky: 'decky-01',
      source: 'download',
      name: 'http://198.18.0.9/big.bin',
      attackerIp: '203.0.113.7',
      seenAt: T(3),
    })
    expect(first.created).toBe(true)
    expect(again.created).toBe(false)

    const listed = await fresh.db.artifacts.list({ limit: 10 })
    expect(listed.map((a) => [a.sha256, a.sightings, a.truncated])).toEqual([
      [HASH_A, 2, false],
      [HASH_B, 1, true],
    ])
    expect(listed[0]?.firstSeen.toISOString()).toBe(T(1).toISOString())
    expect(listed[0]?.lastSeen.toISOString()).toBe(T(5).toISOString())
    expect((await fresh.db.artifacts.list({ limit: 10, before: T(5) })).map((a) => a.sha256)).toEqual([
      HASH_B,
    ])

    const one = await fresh.db.artifacts.get(HASH_A)
    expect(one?.seen.map((s) => [s.decky, s.source, s.name, s.attackerIp])).toEqual([
      ['decky-02', 'upload', '/tmp/payload.sh', null],
      ['decky-01', 'download', 'http://198.18.0.9/payload.sh', '203.0.113.7'],
    ])
    expect(await fresh.db.artifacts.get('c'.repeat(64))).toBeUndefined()
  })
})
