import { describe, expect, it } from 'vitest'
import { MAX_SESSION_STORED_CHARS } from '../src/repos/sessions.ts'
import type { LogEventInput } from '../src/types.ts'
import { databases, event, freshDatabaseEachTest } from './fixtures.ts'

const IP = '203.0.113.7'
const at = (second: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, second))

/** An ssh connection with a recorded shell session, as the decoy emits it. */
function recordedSession(sid: string, port: number, start: number): LogEventInput[] {
  const on = (second: number, eventType: string, fields: Record<string, unknown>, rawLine = eventType) =>
    event({ timestamp: at(start + second), attackerIp: IP, attackerPort: port, eventType, fields, rawLine })
  return [
    on(0, 'connect', { local_port: 22 }),
    on(1, 'auth_attempt', { username: 'root', password: 'toor', success: true }),
    on(2, 'tty_start', { sid, width: 120, height: 40, term: 'xterm-256color', username: 'root', via: 'ssh' }),
    on(3, 'command', { cmd: 'uname -a', username: 'root' }),
    on(3, 'tty_output', {
      sid,
      seq: 0,
      frames: JSON.stringify([
        [0.01, 'o', 'root@srv:~# '],
        [1.5, 'i', 'uname -a\r'],
        [1.5, 'o', 'uname -a\r\nLinux srv\r\n'],
      ]),
    }),
    on(5, 'tty_output', { sid, seq: 1, frames: JSON.stringify([[3.25, 'i', 'exit\r']]) }),
    on(6, 'tty_end', { sid, duration: 3.3, frames: 4, bytes: 40, chunks: 2, truncated: false }),
    on(6, 'disconnect', { duration_ms: 6000 }),
  ]
}

describe.each(databases())('terminal sessions on $kind', (provider) => {
  const opened = freshDatabaseEachTest(provider)

  it('stores recordings in their own tables: no Log rows, attacker events or chart counts', async () => {
    const { db } = opened
    const batch = recordedSession('a1b2c3d4e5f60718', 40001, 0)
    const rows = await db.logs.ingest(batch)
    // Live subscribers, incidents and alerts read these rows: the recording is not among them.
    expect(rows.map((row) => row.eventType)).toEqual(['connect', 'auth_attempt', 'command', 'disconnect'])
    expect((await db.logs.search({ q: '' })).total).toBe(4)
    expect((await db.logs.search({ q: 'type:tty_output' })).total).toBe(0)
    expect(await db.logs.counts(at(10))).toEqual({ logs: 4, logs24h: 4 })
    const buckets = await db.logs.histogram({ bucketMinutes: 60, now: at(10) })
    expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(4)
    const [attacker] = (await db.attackers.list({ q: IP })).rows
    expect(attacker?.eventCount).toBe(4)

    const { rows: sessions, total } = await db.sessions.terminalForAttacker(IP, 10)
    expect(total).toBe(1)
    expect(sessions[0]).toMatchObject({
      decky: 'decky-01',
      service: 'ssh',
      attackerIp: IP,
      attackerPort: 40001,
      username: 'root',
      via: 'ssh',
      term: 'xterm-256color',
      width: 120,
      height: 40,
      frameCount: 4,
      chunkCount: 2,
      truncated: false,
      durationSec: 3.3,
    })
    expect(sessions[0]?.startedAt).toEqual(at(2))
    expect(sessions[0]?.endedAt).toEqual(at(6))
    const recording = await db.sessions.get(sessions[0]?.id ?? '')
    expect(recording?.frames).toEqual([
      [0.01, 'o', 'root@srv:~# '],
      [1.5, 'i', 'uname -a\r'],
      [1.5, 'o', 'uname -a\r\nLinux srv\r\n'],
      [3.25, 'i', 'exit\r'],
    ])
    expect(await db.sessions.get('no-such-session')).toBeUndefined()
  })

  it('keeps a session whole across batches, stores a re-read chunk once, and caps what it keeps', async () => {
    const { db } = opened
    const sid = '00ff00ff00ff00ff'
    const events = recordedSession(sid, 40002, 0)
    // Split mid-session, with the first chunk read twice (a collector catching up after a reconnect).
    await db.logs.ingest(events.slice(0, 5))
    await db.logs.ingest(events.slice(4))
    const [session] = (await db.sessions.terminalForAttacker(IP, 10)).rows
    expect(session).toMatchObject({ frameCount: 4, chunkCount: 2, truncated: false })
    // A chunk that is not a frame list, and one past the stored-size cap, mark the session cut.
    const big = 'x'.repeat(60_000)
    const tooMuch = Array.from({ length: Math.ceil(MAX_SESSION_STORED_CHARS / 60_000) + 1 }, (_, i) =>
      event({
        timestamp: at(20),
        attackerIp: IP,
        attackerPort: 40003,
        eventType: 'tty_output',
        fields: { sid: 'bbbb', seq: i, frames: JSON.stringify([[i, 'o', big]]) },
      }),
    )
    await db.logs.ingest([
      event({ attackerIp: IP, eventType: 'tty_output', fields: { sid: 'aaaa', seq: 0, frames: '[[1,"o",' } }),
      event({
        attackerIp: IP,
        eventType: 'tty_output',
        fields: { sid: 'cccc', seq: 0, frames: '[[1,"x","a"]]' },
      }),
      ...tooMuch,
    ])
    const all = (await db.sessions.terminalForAttacker(IP, 10)).rows
    const byPort = new Map(all.map((row) => [row.attackerPort, row]))
    expect(all.filter((row) => row.truncated)).toHaveLength(3)
    const capped = byPort.get(40003)
    expect(capped?.bytes).toBeLessThanOrEqual(MAX_SESSION_STORED_CHARS)
    expect(capped?.chunkCount).toBe(Math.floor(MAX_SESSION_STORED_CHARS / 60_000))
    // None of it reached the Log table or the attacker's count.
    expect((await db.attackers.list({ q: IP })).rows[0]?.eventCount).toBe(4)
  })

  it('groups an attacker’s other interactions per connection, splitting a reused source port', async () => {
    const { db } = opened
    const http = (second: number, port: number, eventType: string, fields: Record<string, unknown> = {}) =>
      event({ timestamp: at(second), service: 'http', attackerIp: IP, attackerPort: port, eventType, fields })
    await db.logs.ingest([
      http(0, 50000, 'connect'),
      http(1, 50000, 'request', { method: 'GET', path: '/' }),
      http(2, 50000, 'request', { method: 'GET', path: '/admin' }),
      http(3, 50000, 'disconnect'),
      event({ timestamp: at(4), service: 'smb', attackerIp: IP, attackerPort: 50001, eventType: 'connect' }),
      event({
        timestamp: at(5),
        service: 'smb',
        attackerIp: IP,
        attackerPort: 50001,
        eventType: 'negotiate',
      }),
      // masscan-style: the same source port again, a new connection.
      http(10, 50000, 'connect'),
      http(11, 50000, 'request', { method: 'GET', path: '/.env' }),
      http(12, 50000, 'disconnect'),
      event({ timestamp: at(13), attackerIp: '198.51.100.1', attackerPort: 50000, eventType: 'connect' }),
    ])
    const { rows, partial } = await db.sessions.connectionsForAttacker(IP, 10)
    expect(partial).toBe(false)
    expect(
      rows.map((row) => [row.service, row.attackerPort, row.events, row.connected, row.disconnected]),
    ).toEqual([
      ['http', 50000, 3, true, true],
      ['smb', 50001, 2, true, false],
      ['http', 50000, 4, true, true],
    ])
    expect(rows[2]?.eventTypes).toEqual([
      { eventType: 'request', count: 2 },
      { eventType: 'connect', count: 1 },
      { eventType: 'disconnect', count: 1 },
    ])
    expect(rows[0]?.startedAt).toEqual(at(10))
    expect(rows[0]?.endedAt).toEqual(at(12))
    // A bounded read: the newest rows only, and it says so.
    const bounded = await db.sessions.connectionsForAttacker(IP, 10, 4)
    expect(bounded.partial).toBe(true)
    expect(bounded.rows[0]).toMatchObject({ service: 'http', events: 3 })
  })
})
