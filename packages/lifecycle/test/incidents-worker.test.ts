// The incident worker over real SQLite and PostgreSQL: grouping, escalation, throttled digests,
// reopen, ignore rules, and a storm bounded by grouping.
import { type Severity, ZAlertMessage } from '@decnet/core'
import type { DecnetDatabase, LogEventInput } from '@decnet/db'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  DEFAULT_INCIDENT_SETTINGS,
  INCIDENT_SETTINGS_KEY,
  IncidentWorker,
  readIncidentSettings,
  writeIncidentSettings,
} from '../src/index.ts'
import { incidentDatabases } from './support/incident-databases.ts'

const T = (minute: number, second = 0) => new Date(Date.UTC(2026, 11, 3, 10, minute, second))

function ev(minute: number, overrides: Partial<LogEventInput> = {}): LogEventInput {
  return {
    timestamp: T(minute),
    decky: 'decky-01',
    service: 'ssh',
    eventType: 'connect',
    attackerIp: '203.0.113.7',
    attackerPort: 50000,
    rawLine: 'connect',
    fields: {},
    ...overrides,
  }
}

const attempt = (
  minute: number,
  overrides: Partial<LogEventInput> = {},
  success = false,
  password = 'toor',
) => ev(minute, { eventType: 'auth_attempt', fields: { username: 'root', password, success }, ...overrides })

describe.each(incidentDatabases())('incident worker on $kind', (provider) => {
  let db: DecnetDatabase
  let clock: Date
  let worker: IncidentWorker
  beforeEach(async () => {
    ;({ db } = await provider.open())
    clock = T(0)
    worker = new IncidentWorker({ db, batchSize: 50, now: () => clock })
  })

  const alerts = async () => (await db.incidents.alertsAfter(0, 1000)).map((a) => `${a.reason}:${a.severity}`)
  /** Stores the events, then lets the worker group them. */
  const ingested = async (events: LogEventInput[]) => {
    await db.logs.ingest(events)
    await worker.drain()
  }
  /** A 30-minute quiet window and a 15-minute throttle, alerting at once from `severity` up. */
  const escalateAtOnceFrom = (severity: Severity) =>
    writeIncidentSettings(db.settings, {
      quietWindowMinutes: 30,
      digestThrottleMinutes: 15,
      escalateAtOnceFrom: severity,
    })

  it('groups one IP within the quiet window, notes a second decky, splits after the window, ignores system rows', async () => {
    await db.logs.ingest([
      ev(0),
      attempt(5),
      ev(20, { decky: 'decky-02', service: 'http', eventType: 'request' }),
      ev(1, { attackerIp: '198.51.100.1' }),
      ev(2, { attackerIp: '127.0.0.1', system: true }),
    ])
    await worker.drain()
    const first = await db.incidents.list()
    expect(first.total).toBe(2)
    const mine = first.rows.find((row) => row.attackerIp === '203.0.113.7')
    expect(mine).toMatchObject({
      decky: 'decky-01',
      deckies: ['decky-01', 'decky-02'],
      services: ['ssh', 'http'],
      eventCount: 3,
      severity: 'medium',
      state: 'open',
    })
    expect(mine?.reasons.some((reason) => reason.includes('also touched decky-02'))).toBe(true)
    expect(mine?.firstSeen.toISOString()).toBe(T(0).toISOString())
    expect(mine?.lastSeen.toISOString()).toBe(T(20).toISOString())
    // 20 + 30 min quiet window: 51 is past it, so a new incident.
    await ingested([ev(51)])
    expect((await db.incidents.list({ attackerIp: '203.0.113.7' })).total).toBe(2)
    expect((await db.incidents.list({ attackerIp: '127.0.0.1' })).total).toBe(0)
    expect(await alerts()).toEqual(['opened:medium', 'opened:low', 'opened:low'])
  })

  it('the quiet window is a setting', async () => {
    await writeIncidentSettings(db.settings, {
      quietWindowMinutes: 5,
      digestThrottleMinutes: 15,
      escalateAtOnceFrom: 'high',
    })
    await ingested([ev(0), ev(4), ev(10)])
    expect((await db.incidents.list()).rows.map((row) => row.eventCount).sort()).toEqual([1, 2])
  })

  it("with escalateAtOnceFrom 'high' guesses wait for the throttle but a successful login alerts at once", async () => {
    await escalateAtOnceFrom('high')
    await ingested([ev(0)])
    // Login attempts raise it to medium: no alert before the window ends (a storm stays one per source).
    await ingested([attempt(1), attempt(1, {}, false, 'admin')])
    expect(await alerts()).toEqual(['opened:low'])
    // A successful login is high: the operator hears now, not in 15 minutes.
    clock = T(2)
    await ingested([attempt(2, {}, true)])
    expect(await alerts()).toEqual(['opened:low', 'escalated:high'])
    // More of the same severity waits for the next window, measured from the escalation.
    await db.logs.ingest([ev(3, { eventType: 'command', fields: { command: 'id' } })])
    clock = T(16)
    await worker.drain()
    expect(await alerts()).toEqual(['opened:low', 'escalated:high'])
    clock = T(17)
    await worker.drain()
    expect(await alerts()).toEqual(['opened:low', 'escalated:high', 'digest:high'])
  })

  it('by default one alert per throttle window: a rise waits for it and goes out as escalated, later activity as a digest', async () => {
    await ingested([ev(0)])
    await ingested([attempt(1), attempt(1, {}, false, 'admin')])
    await ingested([attempt(2, {}, true), ev(2, { eventType: 'command', fields: { command: 'id' } })])
    // Repeated attempts from the same IP within the throttle: the incident grows, no re-alert.
    expect(await alerts()).toEqual(['opened:low'])
    expect((await db.incidents.list()).rows[0]?.severity).toBe('high')
    clock = T(14, 59)
    await worker.drain()
    expect(await alerts()).toHaveLength(1)
    // The window (15 min after the opened alert) ends: one alert, escalated, with the severity reached.
    clock = T(15)
    await worker.drain()
    expect(await alerts()).toEqual(['opened:low', 'escalated:high'])
    // More attempts, same severity: one digest once the next window ends, not before.
    for (let i = 0; i < 10; i++) await db.logs.ingest([attempt(16)])
    clock = T(20)
    await worker.drain()
    expect(await alerts()).toHaveLength(2)
    clock = T(30)
    await worker.drain()
    const all = await db.incidents.alertsAfter(0)
    expect(all.map((a) => a.reason)).toEqual(['opened', 'escalated', 'digest'])
    expect(all[2]?.message.title).toContain('10 more event(s)')
    expect(all[2]?.message.events.length).toBeGreaterThan(0)
    // Every outbox payload is the shared contract, and carries no captured secret.
    for (const alert of all) {
      expect(ZAlertMessage.parse(alert.message)).toMatchObject({ id: String(alert.id), reason: alert.reason })
      expect(JSON.stringify(alert.message)).not.toContain('toor')
    }
    expect(all[2]?.message.events.at(-1)?.summary).toBe('login attempt as "root" over ssh')
    // Nothing pending any more: no further digest.
    clock = T(59)
    await worker.drain()
    expect(await alerts()).toHaveLength(3)
    const [incident] = (await db.incidents.list()).rows
    expect(incident?.eventCount).toBe(15)
    // Idempotency keys are unique and stable per incident.
    expect(new Set(all.map((a) => a.idempotencyKey)).size).toBe(3)
    expect(all[0]?.idempotencyKey).toBe(`incident:${incident?.id}:1:opened`)
  })

  it("with escalateAtOnceFrom 'low' every rise alerts at once; the throttle still bounds digests", async () => {
    await escalateAtOnceFrom('low')
    await ingested([ev(0)])
    await ingested([attempt(1), attempt(1, {}, false, 'admin')])
    await ingested([attempt(2, {}, true), ev(2, { eventType: 'command', fields: { command: 'id' } })])
    expect(await alerts()).toEqual(['opened:low', 'escalated:medium', 'escalated:high'])
    clock = T(3)
    for (let i = 0; i < 10; i++) await db.logs.ingest([attempt(3)])
    await worker.drain()
    expect(await alerts()).toHaveLength(3)
    clock = T(17)
    await worker.drain()
    expect(await alerts()).toEqual(['opened:low', 'escalated:medium', 'escalated:high', 'digest:high'])
  })

  it('settings: stored values over defaults, a bad field falls back alone', async () => {
    expect(await readIncidentSettings(db.settings)).toEqual(DEFAULT_INCIDENT_SETTINGS)
    await db.settings.set(INCIDENT_SETTINGS_KEY, { quietWindowMinutes: 0, digestThrottleMinutes: 5 })
    expect(await readIncidentSettings(db.settings)).toEqual({
      ...DEFAULT_INCIDENT_SETTINGS,
      digestThrottleMinutes: 5,
    })
    expect(() =>
      writeIncidentSettings(db.settings, {
        quietWindowMinutes: -1,
        digestThrottleMinutes: 5,
        escalateAtOnceFrom: 'high',
      }),
    ).toThrow()
  })

  it('the same credential on a second decky is critical', async () => {
    await ingested([attempt(0), attempt(1, { decky: 'decky-02' })])
    const [incident] = (await db.incidents.list()).rows
    expect(incident?.severity).toBe('critical')
    expect(incident?.reasons.at(-1)).toContain('credential reused')
    // A different password on another decky is not reuse.
    await db.logs.ingest([
      attempt(0, { attackerIp: '198.51.100.1' }),
      attempt(1, { attackerIp: '198.51.100.1', decky: 'decky-02' }, false, 'other'),
    ])
    await worker.drain()
    expect((await db.incidents.list({ attackerIp: '198.51.100.1' })).rows[0]?.severity).toBe('medium')
  })

  it("a hop through a pivot (an allowed forward) raises the attacker's incident to high; a refused one does not", async () => {
    const forward = (minute: number, allowed: boolean, attackerIp = '203.0.113.7') =>
      ev(minute, {
        decky: 'jump-01',
        eventType: 'tcpip_forward',
        attackerIp,
        fields: { dst_ip: '10.71.2.20', dst_port: 22, neighbour: 'ws-01', allowed },
      })
    await ingested([attempt(0, { decky: 'jump-01' }), forward(1, true), forward(1, false, '198.51.100.2')])
    const [incident] = (await db.incidents.list({ attackerIp: '203.0.113.7' })).rows
    expect(incident?.severity).toBe('high')
    expect(incident?.reasons.at(-1)).toContain('lateral movement through jump-01')
    expect((await db.incidents.list({ attackerIp: '198.51.100.2' })).rows[0]?.severity).toBe('low')
  })

  it('reopens acknowledged and resolved incidents on new activity, with an alert each time', async () => {
    await ingested([attempt(0)])
    const [opened] = (await db.incidents.list()).rows
    const id = opened?.id as string
    await db.incidents.acknowledge(id, 'alice', 'on it')
    await ingested([attempt(5)])
    expect(await db.incidents.get(id)).toMatchObject({
      state: 'open',
      acknowledgedBy: null,
      note: 'on it',
      eventCount: 2,
    })
    await db.incidents.resolve(id, 'bob', 'blocked')
    await ingested([attempt(10)])
    const reopened = await db.incidents.get(id)
    expect(reopened).toMatchObject({ state: 'open', resolvedBy: null, eventCount: 3 })
    expect(reopened?.reasons.filter((r) => r.startsWith('reopened'))).toHaveLength(2)
    const all = await db.incidents.alertsAfter(0)
    expect(all.map((a) => a.reason)).toEqual(['opened', 'opened', 'opened'])
    expect(all[1]?.message.title).toContain('reopened')
    expect((await db.incidents.list()).total).toBe(1)
  })

  it('ignore rules suppress incidents: CIDR, service, decky, scanner', async () => {
    await db.incidents.addIgnoreRule({ kind: 'cidr', value: '10.0.0.0/8', createdBy: 'alice' })
    await db.incidents.addIgnoreRule({ kind: 'service', value: 'llmnr', createdBy: 'alice' })
    await db.incidents.addIgnoreRule({ kind: 'decky', value: 'decky-lab', createdBy: 'alice' })
    await db.incidents.addIgnoreRule({ kind: 'scanner', value: 'masscan', createdBy: 'alice' })
    await db.logs.ingest([
      attempt(0, { attackerIp: '10.1.2.3' }),
      ev(0, { attackerIp: '198.51.100.2', service: 'llmnr' }),
      attempt(0, { attackerIp: '198.51.100.3', decky: 'decky-lab' }),
      ev(0, { attackerIp: '198.51.100.4', eventType: 'request', fields: { user_agent: 'masscan/1.3' } }),
      ev(0, { attackerIp: '198.51.100.5' }),
      attempt(0, { attackerIp: '11.0.0.1' }),
    ])
    await worker.drain()
    expect((await db.incidents.list()).rows.map((row) => row.attackerIp).sort()).toEqual([
      '11.0.0.1',
      '198.51.100.5',
    ])
    expect(worker.stats()).toMatchObject({ events: 6, suppressed: 4 })
    expect(await alerts()).toHaveLength(2)
  })

  // The storm (100k events from 1,000 IPs) on SQLite; a fifth of it on PostgreSQL, whose
  // ingest of the storm alone would take minutes on a shared 2-core machine.
  const storm = provider.kind === 'sqlite' ? { events: 100_000, ips: 1_000 } : { events: 20_000, ips: 200 }
  it(`a storm of ${storm.events} events from ${storm.ips} IPs over 3 deckies: one incident and one opened alert per IP`, async () => {
    const events: LogEventInput[] = []
    for (let n = 0; n < storm.events; n++) {
      const i = n % storm.ips
      const ip = `198.51.${100 + (i >> 8)}.${i & 255}`
      const kind = n % 10
      const minute = Math.floor((n / storm.events) * 10)
      events.push(
        kind < 6
          ? ev(minute, { attackerIp: ip, decky: `decky-0${n % 3}` })
          : attempt(minute, { attackerIp: ip, decky: `decky-0${n % 3}` }, kind === 9, `pw${n % 7}`),
      )
    }
    for (let start = 0; start < events.length; start += 1000)
      await db.logs.ingest(events.slice(start, start + 1000))
    const stormWorker = new IncidentWorker({ db, batchSize: 1000, now: () => clock })
    await stormWorker.drain()
    const all: { reason: string }[] = []
    for (let page = await db.incidents.alertsAfter(0, 1000); page.length > 0; ) {
      all.push(...page)
      page = await db.incidents.alertsAfter(page.at(-1)?.id ?? 0, 1000)
    }
    const opened = all.filter((a) => a.reason === 'opened')
    expect((await db.incidents.list()).total).toBe(storm.ips)
    expect(opened).toHaveLength(storm.ips)
    // Within the throttle window nothing but the one opened alert per IP (grouping + throttling).
    expect(all).toHaveLength(storm.ips)
    expect(stormWorker.stats().events).toBe(storm.events)
    console.log(
      `storm on ${provider.kind}: ${storm.events} events, ${storm.ips} IPs -> ${opened.length} opened, ${all.length} alerts in all`,
    )
  }, 300_000)
})
