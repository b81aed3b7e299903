// dashboard.overview / dashboard.now through the router: viewers get captured secrets masked,
// attacker-sent text is cut to display length, the window and "now" are applied, bad input refused.
import { describe, expect, it } from 'vitest'
import { DASHBOARD_TEXT_MAX } from '../src/dashboard/overview.ts'
import { MASK } from '../src/logs/secret-mask.ts'
import { codeOf } from './support/accounts.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

describe('dashboard procedures', () => {
  const api = inProcessApiOfSuite({ viewer: 'watcher', env: NO_WORKERS })
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000)
  const longName = `admin${'x'.repeat(2000)}`

  it('aggregates the window, masks secrets for viewers and cuts long attacker text', async () => {
    await api.services.db.logs.ingest([
      {
        timestamp: minutesAgo(2),
        decky: 'web-01',
        service: 'ssh',
        eventType: 'auth_attempt',
        attackerIp: '203.0.113.5',
        rawLine: 'login',
        fields: { username: longName, password: 'hunter2-dash' },
      },
      {
        timestamp: minutesAgo(90),
        decky: 'db-01',
        service: 'mysql',
        eventType: 'connect',
        attackerIp: '198.51.100.4',
        rawLine: 'connect',
      },
    ])
    const window = { from: minutesAgo(60).toISOString(), bucketMinutes: 2 }
    const forAdmin = await api.admin.dashboard.overview(window)
    expect(forAdmin).toMatchObject({ events: 1, attackers: 1, bucketMinutes: 2 })
    expect(forAdmin.services).toEqual([{ service: 'ssh', events: 1 }])
    expect(forAdmin.credentials).toHaveLength(1)
    expect(forAdmin.credentials[0]?.secret).toBe('hunter2-dash')
    expect(forAdmin.credentials[0]?.username.length).toBe(DASHBOARD_TEXT_MAX)
    expect(forAdmin.credentials[0]?.username.endsWith('…')).toBe(true)

    const forViewer = await api.viewer.dashboard.overview(window)
    expect(forViewer.credentials[0]?.secret).toBe(MASK)
    expect(JSON.stringify(forViewer)).not.toContain('hunter2-dash')

    const allTime = await api.viewer.dashboard.overview({})
    expect(allTime).toMatchObject({ events: 2, attackers: 2 })
    expect(allTime.deckies.map((row) => row.decky).sort()).toEqual(['db-01', 'web-01'])

    const now = await api.viewer.dashboard.now()
    expect(now.underAttack.map((row) => row.decky)).toEqual(['web-01'])
    expect(now.openIncidents.total).toBe(0)
  })

  it('refuses malformed windows and oversized lists, and anonymous callers', async () => {
    expect(await codeOf(api.viewer.dashboard.overview({ from: 'yesterday' }))).toBe('BAD_REQUEST')
    expect(await codeOf(api.viewer.dashboard.overview({ top: 1000 }))).toBe('BAD_REQUEST')
    expect(await codeOf(api.as().dashboard.overview({}))).toBe('UNAUTHORIZED')
    expect(await codeOf(api.as().dashboard.now())).toBe('UNAUTHORIZED')
  })
})
