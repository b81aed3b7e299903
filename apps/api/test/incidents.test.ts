// incidents.* in process: who may read and change them, the review transitions, filters and paging,
// an incident's events, ignore rules (validation and audit), and the new-incident stream (backfill
// from Last-Event-ID, then live, all subscribers served by one poller).
import type { IncidentRow, IncidentWrite } from '@decnet/db'
import { beforeAll, describe, expect, it } from 'vitest'
import { IncidentFeed } from '../src/incidents/incident-feed.ts'
import { codeOf, messageOf, readyUser } from './support/accounts.ts'
import { type Caller, inProcessApiOfSuite, NO_WORKERS, readEvents } from './support/in-process.ts'
import { incidentAlert, incidentId, incidentRecord, openIncidents } from './support/incidents.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 11, 3, 10, minute))
const ID = incidentId
const incident = incidentRecord

describe('incidents.*', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS })
  let viewer: Caller
  const save = (...incidents: IncidentWrite[]) => openIncidents(api.services.db, ...incidents)

  beforeAll(async () => {
    viewer = (await readyUser(api, api.admin, 'watcher', 'viewer')).client
    await save(
      incident(1, { severity: 'low', decky: 'db-01', deckies: ['db-01'] }),
      incident(2, { severity: 'high', deckies: ['web-01', 'db-01'], services: ['ssh', 'mysql'] }),
      incident(3, { severity: 'critical', state: 'resolved', resolvedBy: 'admin', resolvedAt: T(5) }),
      incident(4, { attackerIp: '203.0.113.2', firstSeen: T(30), lastSeen: T(31) }),
    )
  })

  it('viewers read incidents and rules but cannot acknowledge, resolve or change rules', async () => {
    expect((await viewer.incidents.list({})).total).toBeGreaterThanOrEqual(4)
    expect((await viewer.incidents.get({ id: ID(1) })).attackerIp).toBe('203.0.113.1')
    expect(await viewer.incidents.ignoreRules.list()).toEqual([])
    expect(await codeOf(viewer.incidents.acknowledge({ id: ID(1) }))).toBe('FORBIDDEN')
    expect(await codeOf(viewer.incidents.resolve({ id: ID(1), note: 'x' }))).toBe('FORBIDDEN')
    expect(await codeOf(viewer.incidents.ignoreRules.add({ kind: 'service', value: 'ssh' }))).toBe(
      'FORBIDDEN',
    )
    expect(await codeOf(viewer.incidents.ignoreRules.remove({ id: 'x' }))).toBe('FORBIDDEN')
    // Nothing changed.
    expect((await api.admin.incidents.get({ id: ID(1) })).state).toBe('open')
    expect(await api.admin.incidents.ignoreRules.list()).toEqual([])
  })

  it('filters by state, minimum severity, decky, source address and time range; pages by cursor', async () => {
    const ids = async (input: Parameters<Caller['incidents']['list']>[0]) =>
      (await api.admin.incidents.list(input)).rows.map((row) => row.id)
    expect(await ids({ states: ['resolved'] })).toEqual([ID(3)])
    expect(await ids({ minSeverity: 'high' })).toEqual([ID(3), ID(2)])
    expect(await ids({ decky: 'db-01' })).toEqual([ID(2), ID(1)])
    expect(await ids({ attackerIp: '203.0.113.2' })).toEqual([ID(4), ID(2)])
    expect(await ids({ from: T(30).toISOString() })).toEqual([ID(4)])
    expect(await ids({ to: T(2).toISOString(), states: ['open'] })).toEqual([ID(2), ID(1)])

    const first = await api.admin.incidents.list({ limit: 3 })
    expect(first.rows).toHaveLength(3)
    expect(first.nextCursor).toBeDefined()
    const second = await api.admin.incidents.list({ limit: 3, cursor: first.nextCursor })
    expect([...first.rows, ...second.rows].map((row) => row.id)).toEqual([ID(4), ID(3), ID(2), ID(1)])
    expect(second.nextCursor).toBeUndefined()

    expect(await codeOf(api.admin.incidents.list({ from: T(9).toISOString(), to: T(1).toISOString() }))).toBe(
      'BAD_REQUEST',
    )
    expect(await codeOf(api.admin.incidents.list({ attackerIp: '203.0.113.300' }))).toBe('BAD_REQUEST')
    expect(await codeOf(api.admin.incidents.list({ decky: 'Web_01' }))).toBe('BAD_REQUEST')
  })

  it('acknowledge then resolve record who and the note; other transitions are conflicts', async () => {
    const acknowledged = await api.admin.incidents.acknowledge({ id: ID(1), note: '  looking into it ' })
    expect(acknowledged).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'admin',
      note: 'looking into it',
    })
    expect(Date.parse(acknowledged.acknowledgedAt ?? '')).not.toBeNaN()
    expect(await messageOf(api.admin.incidents.acknowledge({ id: ID(1) }))).toMatch(/already acknowledged/)
    expect(await codeOf(api.admin.incidents.acknowledge({ id: ID(1) }))).toBe('CONFLICT')

    const resolved = await api.admin.incidents.resolve({ id: ID(1), note: 'a scanner' })
    expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: 'admin', note: 'a scanner' })
    expect(await codeOf(api.admin.incidents.resolve({ id: ID(1) }))).toBe('CONFLICT')
    expect(await codeOf(api.admin.incidents.acknowledge({ id: ID(1) }))).toBe('CONFLICT')
    // Resolving straight from open is a valid transition; a note without text keeps the old one.
    expect(await api.admin.incidents.resolve({ id: ID(4) })).toMatchObject({ state: 'resolved', note: null })

    expect(await codeOf(api.admin.incidents.acknowledge({ id: ID(999) }))).toBe('NOT_FOUND')
    expect(await codeOf(api.admin.incidents.resolve({ id: ID(2), note: 'n'.repeat(2001) }))).toBe(
      'BAD_REQUEST',
    )
    expect((await api.admin.incidents.get({ id: ID(2) })).state).toBe('open')

    const audit = await api.services.db.audit.list({ target: ID(1) })
    expect(audit.map((entry) => [entry.actor, entry.action])).toEqual([
      ['admin', 'incident.resolved'],
      ['admin', 'incident.acknowledged'],
    ])
    expect(audit[0]?.detail).toMatchObject({ from: 'acknowledged', note: 'a scanner' })
  })

  it('two admins acknowledging at once: one wins, the other gets CONFLICT', async () => {
    const results = await Promise.allSettled([
      api.admin.incidents.acknowledge({ id: ID(2), note: 'first' }),
      api.admin.incidents.acknowledge({ id: ID(2), note: 'second' }),
    ])
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected'])
  })

  it("get returns the incident's recent events, masked for viewers, with moreEvents past the cap", async () => {
    const ip = '198.51.100.77'
    const at = (second: number) => new Date(T(40).getTime() + second * 1000)
    await api.services.db.logs.ingest([
      ...Array.from({ length: 52 }, (_, i) => ({
        timestamp: at(i),
        decky: 'web-01',
        service: 'ssh',
        eventType: 'login_attempt',
        attackerIp: ip,
        rawLine: `attempt ${i} password=hunter2-${i}`,
        fields: { username: 'root', password: `hunter2-${i}`, secret_fields: ['password'] },
      })),
      {
        timestamp: at(5),
        decky: 'web-01',
        service: 'ssh',
        eventType: 'probe',
        attackerIp: ip,
        rawLine: 'x',
        system: true,
      },
    ])
    await save(incident(40, { attackerIp: ip, firstSeen: at(0), lastSeen: at(51), eventCount: 52 }))
    const forAdmin = await api.admin.incidents.get({ id: ID(40) })
    expect(forAdmin.events).toHaveLength(50)
    expect(forAdmin.moreEvents).toBe(true)
    expect(forAdmin.events[0]?.fields.password).toBe('hunter2-51')
    expect(forAdmin.events.every((event) => event.eventType === 'login_attempt')).toBe(true)
    const forViewer = await viewer.incidents.get({ id: ID(40) })
    expect(JSON.stringify(forViewer.events)).not.toContain('hunter2')
    // Operator view only: the worker's bookkeeping does not leave the API.
    expect(forAdmin).not.toHaveProperty('credentials')
    expect(forAdmin).not.toHaveProperty('alertCount')
    expect(await codeOf(api.admin.incidents.get({ id: 'nope' }))).toBe('NOT_FOUND')
  })
})

describe('incidents.ignoreRules.*', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS })

  it('adds valid rules of every kind, in canonical form, each audited with who and what', async () => {
    const added = [
      await api.admin.incidents.ignoreRules.add({
        kind: 'cidr',
        value: '198.51.100.0/24',
        note: 'our scanner',
      }),
      await api.admin.incidents.ignoreRules.add({ kind: 'cidr', value: '192.0.2.7/32' }),
      await api.admin.incidents.ignoreRules.add({ kind: 'cidr', value: '2001:db8::/32' }),
      await api.admin.incidents.ignoreRules.add({ kind: 'service', value: 'ssh' }),
      await api.admin.incidents.ignoreRules.add({ kind: 'decky', value: 'web-01' }),
      await api.admin.incidents.ignoreRules.add({ kind: 'scanner', value: 'masscan' }),
    ]
    expect(added[0]).toMatchObject({
      kind: 'cidr',
      value: '198.51.100.0/24',
      note: 'our scanner',
      createdBy: 'admin',
    })
    const listed = await api.admin.incidents.ignoreRules.list()
    expect(listed.map((rule) => `${rule.kind} ${rule.value}`)).toEqual([
      'cidr 198.51.100.0/24',
      'cidr 192.0.2.7/32',
      'cidr 2001:db8::/32',
      'service ssh',
      'decky web-01',
      'scanner masscan',
    ])
    const audit = await api.services.db.audit.list({ actions: ['ignore_rule.added'] })
    expect(audit).toHaveLength(6)
    expect(audit.find((entry) => entry.target === added[0]?.id)).toMatchObject({
      actor: 'admin',
      detail: { kind: 'cidr', value: '198.51.100.0/24', note: 'our scanner' },
    })
  })

  it.each([
    ['cidr', '10.0.0.5/8', /host bits set \(did you mean 10\.0\.0\.0\/8\?\)/],
    ['cidr', '10.0.0.0', /not a CIDR/],
    ['cidr', '2001:db8::1/32', /host bits set \(did you mean 2001:db8::\/32\?\)/],
    ['cidr', '0.0.0.0/0', /between \/8 and \/32/],
    ['cidr', '10.0.0.0/33', /between \/8 and \/32/],
    ['cidr', '256.1.1.0/24', /not a valid IPv4 address/],
    ['cidr', '010.1.1.0/24', /not a valid IPv4 address/],
    ['cidr', ' 10.0.0.0/8', /not a CIDR/],
    ['service', 'telnetd', /not a service of the catalogue/],
    ['service', 'SSH', /not a service of the catalogue/],
    ['decky', 'Web_01', /not a decky name/],
    ['decky', '-web', /not a decky name/],
    ['scanner', 'Mass Scan', /not a scanner name/],
  ] as const)('refuses %s %j, saying why', async (kind, value, why) => {
    const call = api.admin.incidents.ignoreRules.add({ kind, value })
    expect(await messageOf(call)).toMatch(why)
    expect(await codeOf(api.admin.incidents.ignoreRules.add({ kind, value }))).toBe('BAD_REQUEST')
  })

  it('refuses a duplicate, an unknown kind and a long note; removes a rule, audited; an unknown id is NOT_FOUND', async () => {
    expect(await codeOf(api.admin.incidents.ignoreRules.add({ kind: 'service', value: 'ssh' }))).toBe(
      'CONFLICT',
    )
    const unknownKind = { kind: 'port', value: '22' } as unknown as { kind: 'cidr'; value: string }
    expect(await codeOf(api.admin.incidents.ignoreRules.add(unknownKind))).toBe('BAD_REQUEST')
    expect(
      await codeOf(
        api.admin.incidents.ignoreRules.add({ kind: 'service', value: 'http', note: 'n'.repeat(501) }),
      ),
    ).toBe('BAD_REQUEST')

    const rule = (await api.admin.incidents.ignoreRules.list()).find((r) => r.kind === 'service')
    if (!rule) throw new Error('the service rule is missing')
    expect(await api.admin.incidents.ignoreRules.remove({ id: rule.id })).toEqual({
      message: 'removed ignore rule service ssh',
    })
    expect((await api.admin.incidents.ignoreRules.list()).some((r) => r.id === rule.id)).toBe(false)
    expect(
      await api.services.db.audit.list({ target: rule.id, actions: ['ignore_rule.removed'] }),
    ).toMatchObject([{ actor: 'admin', detail: { kind: 'service', value: 'ssh' } }])
    expect(await codeOf(api.admin.incidents.ignoreRules.remove({ id: rule.id }))).toBe('NOT_FOUND')
  })
})

describe('incidents.onNew', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS })
  const save = (...incidents: IncidentWrite[]) => openIncidents(api.services.db, ...incidents)

  it('streams incidents opened after it connects, each tracked by the id of its opening', async () => {
    await save(incident(100))
    const before = await api.services.db.incidents.newestAlertId()
    expect(await codeOf(api.as(undefined).incidents.onNew({}))).toBe('UNAUTHORIZED')
    const subscription = await api.admin.incidents.onNew({})
    const reading = readEvents<IncidentRow>(subscription as never, (events) => events.length >= 2)
    // Once the shared poller knows where "now" is, what opens is news (the one before is not replayed).
    await expect.poll(() => api.services.incidentFeed.head).toBe(before)
    await save(incident(101), incident(102, { severity: 'critical' }))
    const events = await reading
    expect(events.map((event) => event.data.id)).toEqual([ID(101), ID(102)])
    expect(events.map((event) => Number(event.id))).toEqual([before + 1, before + 2])
    expect(events[1]?.data).toMatchObject({ id: ID(102), severity: 'critical', attackerIp: '203.0.113.102' })
    // The last stream gone, the poller stops.
    await expect.poll(() => api.services.incidentFeed.head).toBeUndefined()
  })

  it('replays what opened after Last-Event-ID from the database, then goes on live', async () => {
    await save(incident(200))
    const resumeFrom = await api.services.db.incidents.newestAlertId()
    await save(incident(201), incident(202))
    const subscription = await api.admin.incidents.onNew({ lastEventId: String(resumeFrom) })
    const reading = readEvents<IncidentRow>(subscription as never, (events) => events.length >= 3)
    await expect.poll(() => api.services.incidentFeed.head).toBe(resumeFrom + 2)
    await save(incident(203))
    expect((await reading).map((event) => event.data.id)).toEqual([ID(201), ID(202), ID(203)])
  })

  it('a reopened incident is news again; an escalation is not', async () => {
    const subscription = await api.admin.incidents.onNew({})
    const reading = readEvents<IncidentRow>(subscription as never, (events) => events.length >= 1)
    await expect.poll(() => api.services.incidentFeed.head).toBeDefined()
    // Incident 200 escalates (not news), then comes back after being resolved, as the worker writes it.
    const escalated = incident(200, { severity: 'high', alertCount: 2 })
    await api.services.db.incidents.inBatch(async (batch) => {
      await batch.saveIncidents([escalated])
      await batch.insertAlerts([incidentAlert(escalated, 'escalated')])
    })
    await save(incident(200, { alertCount: 3, reasons: ['reopened (was resolved)'] }))
    const reopenedAt = await api.services.db.incidents.newestAlertId()
    const [event] = await reading
    // The first event is the reopening itself (the escalation's outbox row, one before, was skipped).
    expect(Number(event?.id)).toBe(reopenedAt)
    expect(event?.data).toMatchObject({ id: ID(200), reasons: ['reopened (was resolved)'] })
  })

  it('one poll serves every subscriber: the database is read once per period, not once per client', async () => {
    const { db } = api.services
    let reads = 0
    const counted = {
      incidents: {
        ...db.incidents,
        incidentsOpenedAfter: (afterAlertId: number, limit?: number) => {
          reads++
          return db.incidents.incidentsOpenedAfter(afterAlertId, limit)
        },
      },
    }
    // A period longer than the test: only poke() reads, so the count is exact.
    const feed = new IncidentFeed(counted, 3_600_000)
    const heard: string[][] = Array.from({ length: 5 }, () => [])
    const subscriptions = await Promise.all(
      heard.map((list) => feed.listen((opened) => list.push(...opened.map((o) => o.incident.id)))),
    )
    await save(incident(300), incident(301))
    feed.poke()
    await expect.poll(() => heard.every((list) => list.length === 2)).toBe(true)
    expect(reads).toBe(1)
    expect(heard.every((list) => list.join() === [ID(300), ID(301)].join())).toBe(true)
    for (const subscription of subscriptions) subscription.stop()
    feed.close()
  })
})

describe('incidents.* with the real grouping worker', () => {
  const api = inProcessApiOfSuite({ env: { DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator' } })

  it('an ingested login attempt opens an incident that reaches onNew, get (with its event) and acknowledge', async () => {
    const stream = await api.admin.incidents.onNew({})
    const reading = readEvents<IncidentRow>(stream as never, (events) => events.length >= 1)
    await expect.poll(() => api.services.incidentFeed.head).toBeDefined()
    await api.services.db.logs.ingest([
      {
        timestamp: new Date(),
        decky: 'web-01',
        service: 'ssh',
        eventType: 'auth_attempt',
        attackerIp: '198.51.100.200',
        rawLine: 'auth root',
        fields: { username: 'root', password: 'toor' },
      },
    ])
    const [event] = await reading
    expect(event?.data).toMatchObject({ attackerIp: '198.51.100.200', decky: 'web-01', state: 'open' })
    const detail = await api.admin.incidents.get({ id: event?.data.id ?? '' })
    expect(detail.events.map((e) => e.eventType)).toEqual(['auth_attempt'])
    const acknowledged = await api.admin.incidents.acknowledge({ id: detail.id, note: 'seen' })
    expect(acknowledged).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'admin', note: 'seen' })
  }, 60_000)
})
