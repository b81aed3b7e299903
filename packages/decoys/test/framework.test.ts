import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { parseDeckyServices } from '../src/decky-services.ts'
import type { DecoyEvent, EmulatorContext } from '../src/emulator.ts'
import { createEmitter, peerAddress, serializeEvent } from '../src/framework/events.ts'
import { seededRandom } from '../src/framework/random.ts'
import { createLineReader, listenTcp, MAX_REFUSING_PEERS } from '../src/framework/tcp.ts'
import { listenUdp } from '../src/framework/udp.ts'
import { startEmulator, UnknownServiceError } from '../src/start.ts'
import { eventLog, loopbackHost, rawClient } from './helpers.ts'
import { personaForTest } from './persona.ts'

function testContext(sink: (event: DecoyEvent) => void, bindAddress: string): EmulatorContext {
  return {
    decky: 'd1',
    service: 'test',
    bindAddress,
    ports: [0],
    config: {},
    persona: personaForTest('d1'),
    seed: 's',
    hostname: 'h',
    emit: createEmitter('d1', 'test', sink),
  }
}

describe('serializeEvent', () => {
  const base: DecoyEvent = {
    ts: '2026-01-01T00:00:00.000Z',
    decky: 'd',
    service: 's',
    event: 'command',
    src_ip: '10.0.0.1',
    src_port: 1,
    fields: {},
  }

  it('keeps control characters as JSON escapes so one event stays one line', () => {
    const line = serializeEvent({ ...base, fields: { cmd: 'a\nb\r\u0000\u001b[31m' } })
    expect([...line].some((char) => char.charCodeAt(0) < 0x20)).toBe(false)
    expect(JSON.parse(line).fields.cmd).toBe('a\nb\r\u0000\u001b[31m')
  })

  it('caps a huge event at 16 KiB and flags it', () => {
    const line = serializeEvent({
      ...base,
      fields: { body: 'x'.repeat(1_000_000), other: 'y'.repeat(40_000) },
    })
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(16 * 1024)
    const parsed = JSON.parse(line)
    expect(parsed.fields.truncated).toBe(true)
    expect(parsed.fields.body.startsWith('xxxx')).toBe(true)
  })

  it('strips the IPv4-mapped prefix from peer addresses', () => {
    expect(peerAddress('::ffff:10.1.2.3')).toBe('10.1.2.3')
    expect(peerAddress('::1')).toBe('::1')
  })
})

describe('seededRandom', () => {
  it('is stable for one seed and differs between seeds', () => {
    const a = seededRandom('decky-a')
    const b = seededRandom('decky-a')
    const c = seededRandom('decky-b')
    const seqA = Array.from({ length: 8 }, () => a.int(0, 1_000_000))
    expect(Array.from({ length: 8 }, () => b.int(0, 1_000_000))).toEqual(seqA)
    expect(Array.from({ length: 8 }, () => c.int(0, 1_000_000))).not.toEqual(seqA)
    const r = seededRandom('x')
    for (let i = 0; i < 1000; i++) {
      const v = r.int(3, 5)
      expect(v >= 3 && v <= 5).toBe(true)
    }
    expect(seededRandom('x').fork('a').hex(16)).not.toBe(seededRandom('x').fork('b').hex(16))
  })
})

describe('createLineReader', () => {
  it('splits CRLF/LF lines across chunks and truncates oversized lines', () => {
    const lines: [string, boolean][] = []
    const read = createLineReader(10, (line, truncated) => lines.push([line, truncated]))
    read(Buffer.from('hel'))
    read(Buffer.from('lo\r\nwor'))
    read(Buffer.from('ld\n'))
    read(Buffer.from('x'.repeat(25)))
    read(Buffer.from('y'.repeat(1000)))
    read(Buffer.from('z\nok\n'))
    expect(lines).toEqual([
      ['hello', false],
      ['world', false],
      ['xxxxxxxxxx', true],
      ['ok', false],
    ])
  })
})

describe('parseDeckyServices', () => {
  const one = (config: string) => `[{"slug":"ssh","ports":[22],"config":${config}}]`

  it('reads slugs, ports and configs; config values are scalars or string lists, prototype keys ignored', () => {
    expect(parseDeckyServices(one('{"a":"x","b":2,"c":true,"d":["h"],"e":null}'), 'S')).toEqual([
      { slug: 'ssh', ports: [22], config: { a: 'x', b: 2, c: true, d: ['h'] } },
    ])
    const [parsed] = parseDeckyServices(one('{"__proto__":{"polluted":"yes"}}'), 'S')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(parsed?.config)).toBe(Object.prototype)
  })

  it('refuses what the engine never writes, naming where it came from', () => {
    expect(() => parseDeckyServices(one('{"a":{"b":1}}'), 'S')).toThrow(
      "S ssh: key 'a' has an unsupported value type",
    )
    expect(() => parseDeckyServices(one('[1]'), 'S')).toThrow('S ssh must be a JSON object')
    expect(() => parseDeckyServices('{', 'S')).toThrow(/^S is not valid JSON/)
    expect(() => parseDeckyServices('{}', 'S')).toThrow('S must be a JSON array of services')
    expect(() => parseDeckyServices('[{"slug":"../x","ports":[1],"config":{}}]', 'S')).toThrow(
      'S[0]: invalid slug',
    )
    expect(() => parseDeckyServices('[{"slug":"ssh","ports":[],"config":{}}]', 'S')).toThrow(/ports must be/)
    expect(() => parseDeckyServices('[{"slug":"ssh","ports":[70000],"config":{}}]', 'S')).toThrow(
      /ports must be/,
    )
    expect(() => parseDeckyServices(`[${one('{}').slice(1, -1)},${one('{}').slice(1, -1)}]`, 'S')).toThrow(
      "S: 'ssh' is listed twice",
    )
  })
})

describe('listenTcp', () => {
  /** A listener on a fresh loopback address with `options`, its events in `log`. */
  async function testListener(options: Omit<Parameters<typeof listenTcp>[0], 'ctx' | 'port'>) {
    const log = eventLog()
    const host = loopbackHost()
    const listener = await listenTcp({ ctx: testContext(log.sink, host), port: 0, ...options })
    return { log, host, listener }
  }

  it('emits connect/disconnect with the real peer, caps connections and reaps idle peers', async () => {
    const { log, host, listener } = await testListener({
      maxConnections: 2,
      idleTimeoutMs: 300,
      handle: (session) => ({ onLine: (line) => session.write(`echo:${line}\n`) }),
    })
    try {
      const a = await rawClient(host, listener.port)
      a.send('hi\n')
      await a.expect(/echo:hi/)
      const connect = await log.waitFor((e) => e.event === 'connect')
      expect(connect.src_ip).toBe('127.0.0.1')
      expect(connect.src_port).toBe(a.socket.localPort)
      const b = await rawClient(host, listener.port)
      const c = await rawClient(host, listener.port)
      await c.closed // over the limit: closed at once
      expect(listener.connectionCount()).toBe(2)
      await Promise.all([a.closed, b.closed]) // idle: reaped by the timeout
      const disconnect = await log.waitFor((e) => e.event === 'disconnect')
      expect(typeof disconnect.fields.duration_ms).toBe('number')
    } finally {
      await listener.close()
    }
  })
  it('records connections refused at the cap: one limit_reached per peer address with the count', async () => {
    const { log, host, listener } = await testListener({ maxConnections: 1, handle: () => ({}) })
    /** Connects from `from` (any 127/8 address is ours) and resolves once the decoy closed it. */
    const refusedFrom = (from: string) =>
      new Promise<void>((resolve) => {
        const socket = connect({ host, port: listener.port, localAddress: from })
        socket.on('error', () => undefined)
        socket.resume()
        socket.once('close', () => resolve())
      })
    const refusedCount = () =>
      log.events
        .filter((e) => e.event === 'limit_reached' && e.fields.limit === 'connections')
        .reduce((sum, e) => sum + Number(e.fields.refused), 0)
    try {
      const held = await rawClient(host, listener.port)
      await log.waitFor((e) => e.event === 'connect')
      // Three from one address, then one from each of MAX_REFUSING_PEERS + 5 other addresses.
      const others = Array.from(
        { length: MAX_REFUSING_PEERS + 5 },
        (_, i) => `127.89.${i >> 8}.${(i % 250) + 2}`,
      )
      for (let i = 0; i < 3; i++) await refusedFrom('127.0.0.1')
      await Promise.all(others.map(refusedFrom))
      expect(listener.connectionCount()).toBe(1)
      await log.waitFor(() => refusedCount() === 3 + others.length, 15_000)
      const reports = log.events.filter((e) => e.event === 'limit_reached')
      expect(reports.every((e) => e.fields.max === 1)).toBe(true)
      const fromOne = reports.filter((e) => e.src_ip === '127.0.0.1')
      expect(fromOne.reduce((sum, e) => sum + Number(e.fields.refused), 0)).toBe(3)
      // Bounded: a wide flood costs at most MAX_REFUSING_PEERS + 1 events per window, never one each.
      expect(reports.length).toBeLessThan(3 + others.length)
      expect(log.events.filter((e) => e.event === 'connect')).toHaveLength(1)
      held.socket.destroy()
    } finally {
      await listener.close()
    }
  })
})

describe('listenUdp', () => {
  it('hands datagrams to the handler with the peer and replies', async () => {
    const log = eventLog()
    const host = loopbackHost()
    const listener = await listenUdp({
      ctx: testContext(log.sink, host),
      port: 0,
      handle: (datagram, peer) => {
        peer.emit('request', { data: datagram.toString() })
        peer.reply(`pong:${datagram.toString()}`)
      },
    })
    const client = createSocket('udp4')
    try {
      const reply = new Promise<string>((resolve) => client.once('message', (m) => resolve(m.toString())))
      client.send('ping', listener.port, host)
      expect(await reply).toBe('pong:ping')
      const event = await log.waitFor((e) => e.event === 'request')
      expect(event.fields.data).toBe('ping')
      expect(event.src_port).toBe(client.address().port)
    } finally {
      client.close()
      await listener.close()
    }
  })
})

describe('startEmulator', () => {
  it('rejects an unknown slug with the list of known ones', async () => {
    await expect(startEmulator('nope', { decky: 'd', bindAddress: '127.0.0.1' })).rejects.toBeInstanceOf(
      UnknownServiceError,
    )
  })
})

describe('listenTcp isolation', () => {
  it('survives a handler that throws on connect and on data', async () => {
    const log = eventLog()
    const host = loopbackHost()
    let connections = 0
    const listener = await listenTcp({
      ctx: testContext(log.sink, host),
      port: 0,
      handle: (session) => {
        connections++
        if (connections === 1) throw new Error('bug on connect')
        return {
          onLine: (line) => {
            if (line === 'boom') throw new Error('bug on data')
            session.write(`ok:${line}\n`)
          },
        }
      },
    })
    try {
      const first = await rawClient(host, listener.port)
      await first.closed
      const second = await rawClient(host, listener.port)
      second.send('boom\n')
      await second.closed
      const third = await rawClient(host, listener.port)
      third.send('hi\n')
      await third.expect(/ok:hi/)
      third.close()
      expect(listener.connectionCount()).toBeLessThanOrEqual(1)
    } finally {
      await listener.close()
    }
  })
})
