import { collectorBehindSettingKey } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { codeOf } from './support/accounts.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

// Heartbeats are written here as the workers write them; the pause itself is proven against the real
// mutator in packages/lifecycle (mutator-scheduler.test.ts) and in the running stack (e2e workers).
describe('workers.list / workers.pause / workers.resume', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS, viewer: 'viewer1' })

  it('lists every worker from its heartbeat: age, staleness, and which may be paused', async () => {
    const now = Date.now()
    await api.services.db.heartbeats.beat({
      worker: 'mutator',
      status: 'ok',
      detail: 'ticks 3',
      at: new Date(now),
    })
    await api.services.db.heartbeats.beat({
      worker: 'collector',
      status: 'degraded',
      detail: 'lag 12 s',
      at: new Date(now - 120_000),
    })
    const rows = await api.viewer.workers.list()
    const byName = new Map(rows.map((row) => [row.worker, row]))
    expect(byName.get('mutator')).toMatchObject({
      status: 'ok',
      detail: 'ticks 3',
      stale: false,
      pausable: true,
      paused: false,
    })
    expect(byName.get('collector')).toMatchObject({
      status: 'degraded',
      stale: true,
      pausable: true,
      paused: false,
      lag: [{ hostId: 'local', host: 'local', behindSince: null, lagSeconds: 0 }],
    })
    expect(byName.get('collector')?.ageSeconds).toBeGreaterThanOrEqual(119)
    expect(byName.get('mutator')?.lag).toEqual([])
  })

  it("shows the collector's lag on a host as now minus since when it is behind", async () => {
    const since = new Date(Date.now() - 30_000)
    await api.services.db.settings.set(collectorBehindSettingKey('local'), since.toISOString())
    try {
      const collector = (await api.viewer.workers.list()).find((row) => row.worker === 'collector')
      expect(collector?.lag).toEqual([
        { hostId: 'local', host: 'local', behindSince: since.toISOString(), lagSeconds: expect.any(Number) },
      ])
      expect(collector?.lag[0]?.lagSeconds).toBeGreaterThanOrEqual(30)
    } finally {
      await api.services.db.settings.delete(collectorBehindSettingKey('local'))
    }
  })

  it('an admin pauses and resumes the mutator; viewers may not; unknown workers are refused; both are audited', async () => {
    expect((await api.admin.workers.pause({ worker: 'mutator' })).message).toBe(
      'mutator paused: it skips its passes until resumed',
    )
    const paused = (await api.viewer.workers.list()).find((row) => row.worker === 'mutator')
    expect(paused?.paused).toBe(true)
    expect(await codeOf(api.viewer.workers.resume({ worker: 'mutator' }))).toBe('FORBIDDEN')
    expect(await codeOf(api.admin.workers.pause({ worker: 'runner' as 'mutator' }))).toBe('BAD_REQUEST')
    await api.admin.workers.resume({ worker: 'mutator' })
    expect((await api.viewer.workers.list()).find((row) => row.worker === 'mutator')?.paused).toBe(false)
    const audit = await api.admin.audit.list({ action: 'workers.' })
    expect(audit.rows.map((row) => [row.action, row.outcome]).slice(0, 4)).toEqual([
      ['workers.resume', 'ok'],
      ['workers.pause', 'BAD_REQUEST'],
      ['workers.resume', 'FORBIDDEN'],
      ['workers.pause', 'ok'],
    ])
  })
})
