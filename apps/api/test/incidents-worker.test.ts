// The API process runs the incident worker with its other workers: stored attack events become an
// incident and an opened alert without any request; DECNET_DISABLE_WORKERS=incidents turns it off.
import { afterEach, describe, expect, it } from 'vitest'
import { type InProcessApi, startInProcessApi } from './support/in-process.ts'

const OTHER_WORKERS = 'runner,collector,reconciler,mutator'
const event = (attackerIp: string) => ({
  timestamp: new Date(),
  decky: 'decky-01',
  service: 'ssh',
  eventType: 'auth_attempt',
  attackerIp,
  attackerPort: 50000,
  rawLine: 'auth_attempt root',
  fields: { username: 'root', password: 'toor', success: false },
})

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('the incident worker in the API process', () => {
  let api: InProcessApi | undefined
  afterEach(async () => {
    await api?.stop()
    api = undefined
  })

  it('groups stored events into an incident with an opened alert and beats as `incidents`', async () => {
    api = await startInProcessApi({ env: { DECNET_DISABLE_WORKERS: OTHER_WORKERS } })
    const { db } = api.services
    await db.logs.ingest([
      event('198.51.100.7'),
      event('198.51.100.7'),
      { ...event('127.0.0.1'), system: true },
    ])
    const page = await until(
      () => db.incidents.list(),
      (p) => p.total > 0 && p.rows[0]?.eventCount === 2,
    )
    expect(page.rows).toHaveLength(1)
    expect(page.rows[0]).toMatchObject({ attackerIp: '198.51.100.7', severity: 'medium', eventCount: 2 })
    const alerts = await db.incidents.alertsAfter(0)
    expect(alerts.map((a) => a.reason)).toEqual(['opened'])
    const beat = await until(
      () => db.heartbeats.get('incidents'),
      (b) => b !== null,
    )
    expect(beat?.status).toBe('ok')
  })

  it('DECNET_DISABLE_WORKERS=incidents leaves events ungrouped', async () => {
    api = await startInProcessApi({ env: { DECNET_DISABLE_WORKERS: `${OTHER_WORKERS},incidents` } })
    const { db } = api.services
    await db.logs.ingest([event('198.51.100.8')])
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    expect((await db.incidents.list()).total).toBe(0)
    expect(await db.heartbeats.get('incidents')).toBeNull()
  })
})
