import type { DecoyEvent } from '@decnet/decoys'
import { MAX_EVENT_BYTES, serializeEvent } from '@decnet/decoys/events'
import { describe, expect, it } from 'vitest'
import { plainDecoyEvent } from '../src/ingest/line.ts'
import {
  decoyEventSchema,
  MAX_RAW_LINE_CHARS,
  normalisePeer,
  parseDecoyEvent,
  parseDecoyLine,
} from '../src/workers-index.ts'

const event = {
  ts: '2026-11-25T21:00:00.123Z',
  decky: 'web-01',
  service: 'ssh',
  event: 'auth_attempt',
  src_ip: '::ffff:203.0.113.7',
  src_port: 51234,
  fields: { username: 'root', password: 'hunter2', success: false, note: null },
  secret_fields: ['password'],
}

describe('parseDecoyLine', () => {
  it('maps a decoy line to a Log input, keeping secret_fields inside fields', () => {
    const line = JSON.stringify(event)
    const parsed = parseDecoyLine(line)
    expect(parsed).toEqual({
      ok: true,
      event: {
        timestamp: new Date('2026-11-25T21:00:00.123Z'),
        decky: 'web-01',
        service: 'ssh',
        eventType: 'auth_attempt',
        attackerIp: '203.0.113.7',
        attackerPort: 51234,
        rawLine: line,
        fields: {
          username: 'root',
          password: 'hunter2',
          success: false,
          note: null,
          secret_fields: ['password'],
        },
      },
    })
  })

  it('takes decky and service from the context (container labels) over the line', () => {
    const parsed = parseDecoyLine(JSON.stringify(event), { decky: 'label-decky', service: 'label-svc' })
    expect(parsed.ok && [parsed.event.decky, parsed.event.service]).toEqual(['label-decky', 'label-svc'])
  })

  it('strips a port from the source address and uses it when src_port is 0', () => {
    const parsed = parseDecoyLine(JSON.stringify({ ...event, src_ip: '198.51.100.4:4444', src_port: 0 }))
    expect(parsed.ok && [parsed.event.attackerIp, parsed.event.attackerPort]).toEqual(['198.51.100.4', 4444])
    const v6 = parseDecoyLine(JSON.stringify({ ...event, src_ip: '[2001:DB8::1]:22', src_port: 0 }))
    expect(v6.ok && [v6.event.attackerIp, v6.event.attackerPort]).toEqual(['2001:db8::1', 22])
  })

  it.each([
    ['garbage', 'not json at all', 'not_json'],
    ['truncated JSON', '{"ts":"2026-11-25T21:00:00Z","decky":', 'not_json'],
    ['a JSON array', '[1,2,3]', 'invalid_shape'],
    ['a JSON string', '"hello"', 'invalid_shape'],
    ['missing fields', JSON.stringify({ ...event, fields: undefined }), 'invalid_shape'],
    ['a nested field value', JSON.stringify({ ...event, fields: { a: { b: 1 } } }), 'invalid_shape'],
    ['a port out of range', JSON.stringify({ ...event, src_port: 70000 }), 'invalid_shape'],
    ['an empty decky', JSON.stringify({ ...event, decky: '' }), 'invalid_shape'],
    ['a bad timestamp', JSON.stringify({ ...event, ts: 'yesterday' }), 'bad_timestamp'],
    ['a source that is not an IP', JSON.stringify({ ...event, src_ip: 'unknown' }), 'bad_source'],
    ['an injected source', JSON.stringify({ ...event, src_ip: "1.2.3.4' OR 1=1" }), 'bad_source'],
  ])('rejects %s', (_name, line, reason) => {
    expect(parseDecoyLine(line)).toEqual({ ok: false, reason })
  })

  it('rejects oversized lines before parsing them, by UTF-8 size', () => {
    const big = JSON.stringify({ ...event, fields: { body: 'x'.repeat(70_000) } })
    expect(parseDecoyLine(big)).toEqual({ ok: false, reason: 'oversized' })
    // 30,000 three-byte characters: short in UTF-16 units, 90 KB on the wire.
    const wide = JSON.stringify({ ...event, fields: { body: '€'.repeat(30_000) } })
    expect(parseDecoyLine(wide)).toEqual({ ok: false, reason: 'oversized' })
    expect(parseDecoyLine(wide, {}, 128 * 1024).ok).toBe(true)
  })

  it("cuts a line over the decoys' 16 KiB cap by their rule and keeps hostile strings as given", () => {
    const hostile = '<script>alert(1)</script>\u0000\u001b[31m'
    const line = JSON.stringify({ ...event, fields: { cmd: hostile, body: 'y'.repeat(40_000) } })
    const parsed = parseDecoyLine(line)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(Buffer.byteLength(parsed.event.rawLine)).toBeLessThanOrEqual(MAX_EVENT_BYTES)
    expect(parsed.event.rawLine.length).toBeLessThanOrEqual(MAX_RAW_LINE_CHARS)
    expect(parsed.event.fields?.cmd).toBe(hostile)
    expect(parsed.event.fields?.truncated).toBe(true)
  })

  it('cuts an oversized in-process event (local engine) like a container line, instead of dropping it', () => {
    for (const size of [20_000, 60_000, 500_000]) {
      const big: DecoyEvent = { ...event, fields: { cmd: 'id', body: 'z'.repeat(size) } }
      const local = parseDecoyEvent(big)
      expect(local.ok).toBe(true)
      if (!local.ok) return
      // The container path: the decoy's stdout sink writes serializeEvent's line, ingest parses it.
      const docker = parseDecoyLine(serializeEvent(big))
      expect(docker.ok).toBe(true)
      if (!docker.ok) return
      expect(local.event.rawLine).toBe(docker.event.rawLine)
      expect(local.event.fields).toEqual(docker.event.fields)
      expect(local.event.fields?.truncated).toBe(true)
      expect(local.event.fields?.cmd).toBe('id')
      expect(String(local.event.fields?.body).length).toBeGreaterThan(4000)
      expect(Buffer.byteLength(local.event.rawLine)).toBeLessThanOrEqual(MAX_EVENT_BYTES)
    }
  })

  it('validates in-process events the same way', () => {
    const parsed = parseDecoyEvent({ ...event, src_ip: '::ffff:127.0.0.1' })
    expect(parsed.ok && parsed.event.attackerIp).toBe('127.0.0.1')
    expect(parsed.ok && JSON.parse(parsed.event.rawLine).decky).toBe('web-01')
    expect(parseDecoyEvent({ ...event, src_port: -1 })).toEqual({ ok: false, reason: 'invalid_shape' })
  })
})

describe('normalisePeer', () => {
  it.each([
    ['10.0.0.1', { ip: '10.0.0.1' }],
    ['::ffff:10.0.0.1', { ip: '10.0.0.1' }],
    ['::FFFF:10.0.0.1', { ip: '10.0.0.1' }],
    ['10.0.0.1:8080', { ip: '10.0.0.1', port: 8080 }],
    ['[::ffff:10.0.0.1]:80', { ip: '10.0.0.1', port: 80 }],
    ['fe80::1%eth0', { ip: 'fe80::1' }],
    ['::1', { ip: '::1' }],
    [' 192.0.2.1 ', { ip: '192.0.2.1' }],
  ])('%s', (input, expected) => {
    expect(normalisePeer(input)).toEqual(expected)
  })

  it.each(['', 'unknown', '999.1.1.1', 'example.com', '10.0.0.1:99999:1'])('rejects %j', (input) => {
    expect(normalisePeer(input)).toBeUndefined()
  })
})

describe('plainDecoyEvent (the hand-checked fast path of decoyEventSchema)', () => {
  // Each key of a valid event replaced by edge values: the fast path may decline anything, but what it
  // accepts the schema must accept too, with the same result.
  const edges: unknown[] = [
    undefined,
    null,
    '',
    'x',
    'x'.repeat(64),
    'x'.repeat(65),
    'x'.repeat(128),
    'x'.repeat(129),
    'x'.repeat(255),
    'x'.repeat(256),
    'x'.repeat(257),
    0,
    -1,
    1.5,
    65_535,
    65_536,
    Number.POSITIVE_INFINITY,
    true,
    [],
    ['password'],
    Array.from({ length: 257 }, () => 'a'),
    [1],
    {},
    { a: 1, b: 'x', c: true, d: null },
    { nested: { a: 1 } },
    { list: [1] },
    { big: Number.POSITIVE_INFINITY },
    { ['k'.repeat(257)]: 1 },
    JSON.parse('{"__proto__": 1}'),
    Object.create(null),
  ]
  const cases: unknown[] = [event, { ...event, extra: 'dropped' }, null, [], 'text', 42]
  for (const key of Object.keys(event)) {
    for (const value of edges) cases.push({ ...event, [key]: value })
  }

  it('agrees with the schema on every edge case it accepts, and accepts the ordinary ones', () => {
    let accepted = 0
    for (const value of cases) {
      const fast = plainDecoyEvent(value)
      const schema = decoyEventSchema.safeParse(value)
      if (fast !== undefined) {
        accepted++
        expect(schema.success, JSON.stringify(value)).toBe(true)
        expect(fast).toStrictEqual(schema.data)
      }
    }
    // The valid event, the one with an extra key, and every valid replacement value.
    expect(accepted).toBeGreaterThan(20)
    expect(plainDecoyEvent({ ...event, extra: 'dropped' })).toStrictEqual(decoyEventSchema.parse(event))
  })

  it('leaves what it declines to the schema, so parseDecoyLine still rejects and accepts the same lines', () => {
    const infinite =
      '{"ts":"2026-11-25T21:00:00Z","decky":"d","service":"s","event":"e","src_ip":"10.0.0.1","src_port":1,"fields":{"n":1e400}}'
    expect(parseDecoyLine(infinite)).toEqual({ ok: false, reason: 'invalid_shape' })
    const proto =
      '{"ts":"2026-11-25T21:00:00Z","decky":"d","service":"s","event":"e","src_ip":"10.0.0.1","src_port":1,"fields":{"__proto__":"x"}}'
    expect(parseDecoyLine(proto).ok).toBe(decoyEventSchema.safeParse(JSON.parse(proto)).success)
  })
})
