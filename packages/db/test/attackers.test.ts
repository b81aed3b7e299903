import { describe, expect, it } from 'vitest'
import { createDatabase, type DecnetDatabase } from '../src/database.ts'
import { databases, event, freshDatabaseEachTest } from './fixtures.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute))

describe.each(databases())('ingest and attackers on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('builds one profile per IP across batches: seen times, counts, services, deckies, credentials, commands', async () => {
    await fresh.db.logs.ingest([
      event({ timestamp: T(5), fields: { username: 'root', password: 'toor' } }),
      event({ timestamp: T(6), fields: { username: 'root', password: 'toor' } }),
      event({ timestamp: T(7), eventType: 'command', fields: { command: 'uname -a' } }),
      event({ timestamp: T(1), attackerIp: '192.0.2.1', service: 'http', rawLine: 'GET /' }),
    ])
    await fresh.db.logs.ingest([
      event({
        timestamp: T(2),
        decky: 'decky-09',
        service: 'ftp',
        fields: { user: 'anonymous', pass: 'a@b.c' },
      }),
      event({ timestamp: T(9), eventType: 'command', fields: { cmd: 'cat /etc/shadow' } }),
    ])
    const { rows, total } = await fresh.db.attackers.list({ sort: 'recent' })
    expect(total).toBe(2)
    expect(rows.map((a) => a.ip)).toEqual(['203.0.113.7', '192.0.2.1'])
    const [a] = rows
    expect(a).toMatchObject({
      eventCount: 5,
      services: ['ssh', 'ftp'],
      deckies: ['decky-01', 'decky-09'],
      commands: ['uname -a', 'cat /etc/shadow'],
      credentialCount: 2,
    })
    expect(a?.firstSeen.toISOString()).toBe(T(2).toISOString())
    expect(a?.lastSeen.toISOString()).toBe(T(9).toISOString())

    const detail = await fresh.db.attackers.get(a?.id as string)
    expect(
      detail?.credentials.map((c) => [c.service, c.kind, c.principal, c.secret, c.count]).sort(),
    ).toEqual([
      ['ftp', 'password', 'anonymous', 'a@b.c', 1],
      ['ssh', 'password', 'root', 'toor', 2],
    ])
    expect(detail?.recentLogs.map((l) => l.timestamp.toISOString())).toEqual(
      [T(9), T(2), T(7), T(6), T(5)].map((t) => t.toISOString()),
    )
    expect(await fresh.db.attackers.get('missing')).toBeNull()
  })

  it('lists by activity, by decky count, by IP prefix and by service, with a cursor', async () => {
    const batch = []
    for (let i = 0; i < 5; i++) {
      for (let e = 0; e <= i; e++) {
        batch.push(event({ attackerIp: `10.9.0.${i}`, decky: `decky-${e}`, service: i % 2 ? 'smb' : 'ssh' }))
      }
    }
    await fresh.db.logs.ingest(batch)
    expect((await fresh.db.attackers.list({ sort: 'active' })).rows.map((a) => a.ip)).toEqual([
      '10.9.0.4',
      '10.9.0.3',
      '10.9.0.2',
      '10.9.0.1',
      '10.9.0.0',
    ])
    expect((await fresh.db.attackers.list({ sort: 'deckies', limit: 1 })).rows[0]?.deckies).toHaveLength(5)
    expect((await fresh.db.attackers.list({ q: '10.9.0.3' })).rows.map((a) => a.ip)).toEqual(['10.9.0.3'])
    expect((await fresh.db.attackers.list({ q: '10.8.' })).total).toBe(0)
    expect((await fresh.db.attackers.list({ service: 'smb', sort: 'active' })).rows.map((a) => a.ip)).toEqual(
      ['10.9.0.3', '10.9.0.1'],
    )
    // Attacker i touched decky-0..decky-i: those who touched decky-3 are 10.9.0.3 and 10.9.0.4.
    expect(
      (await fresh.db.attackers.list({ decky: 'decky-3', sort: 'active' })).rows.map((a) => a.ip),
    ).toEqual(['10.9.0.4', '10.9.0.3'])
    expect((await fresh.db.attackers.list({ decky: 'decky-9' })).total).toBe(0)
    expect((await fresh.db.attackers.list({ decky: 'decky-%' })).total).toBe(0)
    const page1 = await fresh.db.attackers.list({ sort: 'active', limit: 2 })
    const page2 = await fresh.db.attackers.list({ sort: 'active', limit: 2, cursor: page1.nextCursor })
    const page3 = await fresh.db.attackers.list({ sort: 'active', limit: 2, cursor: page2.nextCursor })
    expect([...page1.rows, ...page2.rows, ...page3.rows].map((a) => a.ip)).toHaveLength(5)
    expect(page3.nextCursor).toBeUndefined()
  })

  it('matches the IP search and the service filter literally: %, _ and \\ are not wildcards', async () => {
    await fresh.db.logs.ingest([
      event({ attackerIp: '10.1.0.1', service: 'ssh' }),
      event({ attackerIp: '10.2.0.1', service: 'a_b' }),
      event({ attackerIp: '10.3.0.1', service: 'axb' }),
    ])
    expect((await fresh.db.attackers.list({ q: 'a%' })).total).toBe(0)
    expect((await fresh.db.attackers.list({ q: '%' })).total).toBe(0)
    expect((await fresh.db.attackers.list({ q: '10._.' })).total).toBe(0)
    expect((await fresh.db.attackers.list({ q: '\\' })).total).toBe(0)
    expect((await fresh.db.attackers.list({ q: '10.2' })).rows.map((a) => a.ip)).toEqual(['10.2.0.1'])
    expect((await fresh.db.attackers.list({ service: 'a_b' })).rows.map((a) => a.ip)).toEqual(['10.2.0.1'])
    expect((await fresh.db.attackers.list({ service: '%' })).total).toBe(0)
  })

  it("pages an attacker's credentials: a page at a time with the total and a cursor to the next", async () => {
    await fresh.db.logs.ingest(
      Array.from({ length: 120 }, (_, i) =>
        event({ timestamp: T(i % 60), fields: { username: `user${i}`, password: `pw${i}` } }),
      ),
    )
    const [attacker] = (await fresh.db.attackers.list()).rows
    const id = attacker?.id as string
    const first = await fresh.db.attackers.get(id)
    expect(first?.credentials).toHaveLength(50)
    expect(first?.credentialTotal).toBe(120)
    expect(first?.credentialsNextCursor).toBe('50')
    const seen = new Set(first?.credentials.map((c) => c.principal))
    let cursor = first?.credentialsNextCursor
    while (cursor) {
      const page = await fresh.db.attackers.get(id, { credentialLimit: 30, credentialCursor: cursor })
      for (const credential of page?.credentials ?? []) seen.add(credential.principal)
      cursor = page?.credentialsNextCursor
    }
    expect(seen.size).toBe(120)
  })

  it('stores hostile captured strings as given, capping huge lines', async () => {
    const hostile = '<img src=x onerror=alert(1)>\u0000\u001b[31m'
    const huge = 'A'.repeat(1_000_000)
    const [stored] = await fresh.db.logs.ingest([
      event({ rawLine: hostile, fields: { username: hostile, password: huge } }),
    ])
    const [row] = (await fresh.db.logs.search({ q: 'onerror' })).rows
    expect(row?.id).toBe(stored?.id)
    // Stored as given, except NUL (PostgreSQL text cannot hold it), the same on both databases.
    expect(row?.rawLine).toBe(hostile.replace('\u0000', '\ufffd'))
    expect(row?.fields.username).toBe(hostile)
    await fresh.db.logs.ingest([event({ rawLine: huge })])
    const [big] = (await fresh.db.logs.search({ q: '', limit: 1 })).rows
    expect(big?.rawLine.length).toBe(65_536)
  })

  it('concurrent ingests (separate connections on PostgreSQL) keep exact profile counts', async () => {
    const handles = provider.kind === 'postgres' ? [fresh.db, createDatabase(fresh.url)] : [fresh.db]
    try {
      const batches = Array.from({ length: 8 }, (_, b) =>
        Array.from({ length: 50 }, (_, i) =>
          event({
            attackerIp: `10.6.0.${(i + b) % 5}`,
            service: `svc-${b}`,
            fields: { username: 'u', password: `p${b}` },
          }),
        ),
      )
      await Promise.all(
        batches.map((batch, b) => (handles[b % handles.length] as DecnetDatabase).logs.ingest(batch)),
      )
      const { rows } = await fresh.db.attackers.list({ sort: 'active' })
      expect(rows.map((a) => a.eventCount)).toEqual([80, 80, 80, 80, 80])
      for (const attacker of rows) {
        expect([...attacker.services].sort()).toEqual(batches.map((_, b) => `svc-${b}`).sort())
        expect(attacker.credentialCount).toBe(8)
      }
    } finally {
      if (handles[1]) await handles[1].close()
    }
  })

  it('ingests a 5,000-event batch atomically and purges all telemetry returning counts', async () => {
    const batch = Array.from({ length: 5000 }, (_, i) =>
      event({
        attackerIp: `10.7.${i % 50}.1`,
        rawLine: `probe ${i}`,
        fields: { username: 'u', password: `p${i % 10}` },
      }),
    )
    const rows = await fresh.db.logs.ingest(batch)
    expect(new Set(rows.map((r) => r.id)).size).toBe(5000)
    expect(await fresh.db.logs.counts(T(30))).toEqual({ logs: 5000, logs24h: 5000 })
    expect(await fresh.db.attackers.count()).toBe(50)
    expect(await fresh.db.logs.purge()).toEqual({ logs: 5000, credentials: 50, attackers: 50 })
    expect((await fresh.db.logs.search({ q: 'probe' })).total).toBe(0)
    expect(await fresh.db.attackers.count()).toBe(0)
  })
})
