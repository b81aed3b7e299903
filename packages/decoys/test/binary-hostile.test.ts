import { createCipheriv } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { Resolver } from 'node:dns/promises'
import { connect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { InvalidCredentialsError, Client as LdapClient } from 'ldapts'
import ModbusRTU from 'modbus-serial'
import { MongoClient } from 'mongodb'
import mqtt from 'mqtt'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { Connection } from 'tedious'
import { afterAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../src/emulator.ts'
import { binaryProtocolLoaders } from '../src/protocols-binary/index.ts'
import { rawConnect, type Started, startBinary, udpExchange } from './binary-helpers.ts'
import { snmpGet } from './binary-helpers-clients.ts'
import { rdpConnectionRequest, smb2Negotiate, tdsPrelogin } from './binary-helpers-packets.ts'

/**
 * Every binary emulator gets garbage, truncated frames, absurd length fields, deep nesting and a
 * 1 MiB flood, then must still serve a fresh real client. Randomness is seeded: no flaky inputs.
 */

// AES-CTR keystream: deterministic like a seeded PRNG, and fast enough for megabyte floods.
const keystream = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 9))
const garbage = (size: number) => keystream.update(Buffer.alloc(size))
const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex')

/** Deeply nested BER constructed elements (LDAP "and" filters, SNMP sequences). */
function nestedBer(tag: number, depth: number, core: Buffer): Buffer {
  let inner = core
  for (let i = 0; i < depth; i++) {
    const length = inner.length
    const header =
      length < 0x80
        ? Buffer.from([tag, length])
        : length < 0x100
          ? Buffer.from([tag, 0x81, length])
          : Buffer.from([tag, 0x82, length >> 8, length & 0xff])
    inner = Buffer.concat([header, inner])
  }
  return inner
}

/** Protocol-shaped hostile inputs per slug; the generic ones below are sent to everyone. */
const TCP_ATTACKS: Record<string, Buffer[]> = {
  mysql: [
    hex('ffffff01'),
    hex('200000 01 00820000'),
    Buffer.concat([hex('600000 01 0fa20a00'), garbage(92)]),
  ],
  postgres: [
    hex('7fffffff 00030000'),
    hex('00000008 04d2162f'),
    hex('00000010 00030000 7573657200'),
    hex('00000009 00030000 00 70ffffffff'),
  ],
  mqtt: [
    hex('10ffffffff7f'),
    hex('10 0c 0004 4d515454 04 c2 003c ffff'),
    hex('82 05 0001 ffff00'),
    hex('30 03 ffff41'),
  ],
  rdp: [
    hex('0300ffff'),
    hex('03000008 02f080'),
    Buffer.concat([hex('03000030 2ae00000000000'), Buffer.from('Cookie: mstshash=no-crlf-here')]),
  ],
  vnc: [Buffer.from('RFB 003.00'), Buffer.from('RFB 999.999\n'), Buffer.from('RFB 003.008\n\x00')],
  ldap: [
    hex('3084ffffffff'),
    hex('30 05 02 01 01 60 00'),
    hex('30 0c 02 01 01 60 07 02 01 03 04 ff 80 00'),
    (() => {
      const filter = nestedBer(0xa0, 60, hex('870b6f626a656374436c617373'))
      const search = Buffer.concat([hex('0400 0a0100 0a0100 020100 020100 010100'), filter, hex('3000')])
      return nestedBer(0x30, 1, Buffer.concat([hex('020102'), nestedBer(0x63, 1, search)]))
    })(),
  ],
  smb: [
    hex('00ffffff'),
    hex('00000004 fe534d42'),
    hex('85000000'),
    hex('ff000004 00000000'),
    Buffer.concat([
      hex('00000060'),
      hex('fe534d42 4000'),
      Buffer.alloc(6),
      hex('0100'),
      Buffer.alloc(50),
      hex('1900 0000 0000 0000 0000 0000 ffff ffff'),
    ]),
  ],
  mssql: [
    hex('1201ffff00000000'),
    hex('10010010000001 00 ffffffff ffffffff'),
    hex('12000010 00000000 0000ffff ff00'),
  ],
  mongodb: [
    hex('ffffff7f 00000000 00000000 dd070000'),
    hex('15000000 01000000 00000000 dd070000 00000000 00'),
    Buffer.concat([
      hex('2a000000 01000000 00000000 dd070000 00000000 00'),
      hex('15000000 03 6100 0d000000 03 6200 05000000 00 00 00'),
    ]),
    hex('1d000000 01000000 00000000 dd070000 00000000 01 f0ffffff 00 00'),
  ],
  conpot: [
    hex('0001 0000 ffff 01'),
    hex('0001 0007 0006 01 03 0000 007d'),
    hex('0001 0000 0006 01 10 0000 007b ff'),
    hex('0001 0000 0002 01 2b'),
  ],
}
const UDP_ATTACKS: Record<string, Buffer[]> = {
  dns: [
    hex('1234 0100 0001 0000 0000 0000 c00c 0001 0001'),
    hex('1234 0100 ffff 0000 0000 0000 3f41'),
    hex('12'),
  ],
  llmnr: [hex('1234 0000 0001 0000 0000 0000 c00c 0001 0001'), hex('ffff')],
  snmp: [
    hex('3084ffffffff'),
    nestedBer(0x30, 200, Buffer.alloc(0)),
    hex(
      '3029 020101 0406 7075626c6963 a01c 02040000 0001 020100 020100 300e 300c 0608 2b06010201010100 0500',
    ),
  ],
  tftp: [hex('0001'), hex('0001 41414141'), hex('0005 0001'), hex('00ff')],
}

const GENERIC_TCP = (): Buffer[] => [garbage(4096), garbage(3), Buffer.alloc(64, 0xff), Buffer.alloc(64, 0)]

/** Opens a connection, writes the payload, and lets the server react briefly before hanging up. */
function hitTcp(host: string, port: number, payload: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = () => {
      socket.destroy()
      resolve()
    }
    socket.on('error', done)
    socket.on('close', done)
    socket.on('connect', () => {
      socket.write(payload)
      setTimeout(done, 150)
    })
  })
}

/** Hostile TSRequests inside the TLS tunnel NLA opens after the X.224 negotiation. */
const CREDSSP_ATTACKS = [
  hex('3084ffffffff'),
  garbage(20_000),
  nestedBer(0x30, 1, Buffer.concat([nestedBer(0xa0, 1, hex('020106')), nestedBer(0xa1, 1, hex('3000'))])),
  nestedBer(
    0x30,
    1,
    nestedBer(
      0xa1,
      1,
      nestedBer(0x30, 1, nestedBer(0x30, 1, nestedBer(0xa0, 1, hex('0408 4e544c4d53535000')))),
    ),
  ),
]

async function hitCredssp(host: string, port: number, payload: Buffer): Promise<void> {
  const raw = await rawConnect(host, port)
  raw.write(rdpConnectionRequest('hostile', 0x03))
  await raw.read(19)
  await new Promise<void>((resolve) => {
    const tls = tlsConnect({ socket: raw.socket, rejectUnauthorized: false }, () => {
      tls.write(payload)
      setTimeout(() => {
        tls.destroy()
        resolve()
      }, 150)
    })
    tls.on('error', () => resolve())
  })
  raw.close()
}

function hitUdp(host: string, port: number, payload: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    socket.send(payload, port, host, () => {
      setTimeout(() => {
        socket.close()
        resolve()
      }, 20)
    })
  })
}

function withTimeout<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('probe timed out')), ms)),
  ])
}

type Probe = (instance: Started) => Promise<void>

/** A fresh real client per slug: the proof that the emulator survived. */
const PROBES: Record<string, Probe> = {
  async mysql(instance) {
    const error = await mysql
      .createConnection({
        host: instance.host,
        port: instance.port,
        user: 'root',
        password: 'x',
        connectTimeout: 3000,
      })
      .then(
        () => undefined,
        (failure: { errno?: number }) => failure,
      )
    expect(error?.errno).toBe(1045)
  },
  async postgres(instance) {
    const client = new pg.Client({
      host: instance.host,
      port: instance.port,
      user: 'u',
      password: 'p',
      connectionTimeoutMillis: 3000,
    })
    const error = await client.connect().then(
      () => undefined,
      (failure: { code?: string }) => failure,
    )
    await client.end().catch(() => undefined)
    expect(error?.code).toBe('28P01')
  },
  async mqtt(instance) {
    const client = await mqtt.connectAsync(`mqtt://${instance.host}:${instance.port}`, {
      reconnectPeriod: 0,
      connectTimeout: 3000,
    })
    expect(client.connected).toBe(true)
    await client.endAsync()
  },
  async rdp(instance) {
    const raw = await rawConnect(instance.host, instance.port)
    raw.write(rdpConnectionRequest('probe', 1))
    expect((await raw.read(19))[5]).toBe(0xd0)
    raw.close()
  },
  async vnc(instance) {
    const raw = await rawConnect(instance.host, instance.port)
    expect((await raw.read(12)).toString()).toBe('RFB 003.008\n')
    raw.close()
  },
  async ldap(instance) {
    const client = new LdapClient({
      url: `ldap://${instance.host}:${instance.port}`,
      timeout: 3000,
      connectTimeout: 3000,
    })
    await expect(client.bind('cn=admin', 'admin')).rejects.toBeInstanceOf(InvalidCredentialsError)
    await client.unbind()
  },
  async smb(instance) {
    const raw = await rawConnect(instance.host, instance.port)
    raw.write(smb2Negotiate([0x0202, 0x0210]))
    const length = (await raw.read(4)).readUInt32BE(0)
    expect((await raw.read(length)).readUInt16LE(64 + 4)).toBe(0x0210)
    raw.close()
  },
  async mssql(instance) {
    const raw = await rawConnect(instance.host, instance.port)
    raw.write(tdsPrelogin())
    expect((await raw.read(8))[0]).toBe(0x04)
    raw.close()
    const error = await new Promise<Error & { code?: string }>((resolve) => {
      const connection = new Connection({
        server: instance.host,
        authentication: { type: 'default', options: { userName: 'sa', password: 'sa' } },
        options: { port: instance.port, encrypt: false, connectTimeout: 3000 },
      })
      connection.on('error', () => undefined)
      connection.connect((failure) => {
        connection.close()
        resolve(failure ?? new Error('no error'))
      })
    })
    expect(error.code).toBe('ELOGIN')
  },
  async mongodb(instance) {
    const client = new MongoClient(
      `mongodb://${instance.host}:${instance.port}/?directConnection=true&serverSelectionTimeoutMS=3000`,
    )
    try {
      const info = await client.db('admin').command({ buildInfo: 1 })
      expect(info.ok).toBe(1)
    } finally {
      await client.close()
    }
  },
  async conpot(instance) {
    const client = new ModbusRTU()
    await client.connectTCP(instance.host, { port: instance.ports[0] as number })
    client.setTimeout(2000)
    expect((await client.readHoldingRegisters(0, 4)).data).toHaveLength(4)
    await new Promise<void>((resolve) => client.close(() => resolve()))
    const [descr] = await snmpGet(instance.host, instance.ports[1] as number, 'public', ['1.3.6.1.2.1.1.1.0'])
    expect(String(descr?.value).length).toBeGreaterThan(5)
    const raw = await rawConnect(instance.host, instance.ports[2] as number)
    raw.write('GET / HTTP/1.1\r\nHost: plc\r\nConnection: close\r\n\r\n')
    expect((await raw.readAvailable()).toString()).toMatch(/^HTTP\/1\.1 200 OK/)
    raw.close()
  },
  async dns(instance) {
    const resolver = new Resolver({ timeout: 1000, tries: 1 })
    resolver.setServers([`${instance.host}:${instance.port}`])
    expect(await resolver.resolve4('portal.acme.test')).toEqual(['10.1.2.3'])
    const raw = await rawConnect(instance.host, instance.port)
    raw.write(hex('0022 0101 0100 0001 0000 0000 0000 06706f7274616c 0461636d65 0474657374 00 0001 0001'))
    const length = (await raw.read(2)).readUInt16BE(0)
    expect((await raw.read(length)).readUInt16BE(6)).toBe(1)
    raw.close()
  },
  async llmnr(instance) {
    const reply = await udpExchange(
      instance.host,
      instance.port,
      hex('4242 0000 0001 0000 0000 0000 0466733031 00 0001 0001'),
    )
    expect(reply?.readUInt16BE(6)).toBe(1)
  },
  async snmp(instance) {
    const [name] = await snmpGet(instance.host, instance.port, 'public', ['1.3.6.1.2.1.1.5.0'])
    expect(String(name?.value)).toBe('fs01')
  },
  async tftp(instance) {
    const reply = await udpExchange(instance.host, instance.port, hex('0001 6100 6f6374657400'))
    expect(reply?.readUInt16BE(0)).toBe(5)
  },
}

const UDP_ONLY = new Set(['llmnr', 'snmp', 'tftp'])
const PORTS: Record<string, number[]> = { conpot: [0, 0, 0], llmnr: [0, 0], smb: [0, 0], ldap: [0, 0] }
const CONFIG: Record<string, Record<string, string | boolean>> = {
  rdp: { nla: true },
  dns: { domain: 'acme.test', extra_records: 'portal A 10.1.2.3' },
}

const instances: Started[] = []
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.close()))
})

describe('binary emulators under hostile input', () => {
  it('covers every registered binary emulator', () => {
    expect(Object.keys(binaryProtocolLoaders).sort()).toEqual(Object.keys(PROBES).sort())
  })

  it.each(Object.keys(binaryProtocolLoaders))(
    '%s survives garbage, truncation, huge lengths and floods',
    async (slug) => {
      const emulator: Emulator = await (binaryProtocolLoaders[slug] as () => Promise<Emulator>)()
      expect(emulator.slug).toBe(slug)
      const instance = await startBinary(emulator, {
        ports: PORTS[slug],
        config: CONFIG[slug],
        hostname: 'fs01',
      })
      instances.push(instance)
      const probe = PROBES[slug] as Probe
      await withTimeout(probe(instance))

      const udpPorts =
        slug === 'conpot'
          ? [instance.ports[1] as number]
          : UDP_ONLY.has(slug) || slug === 'dns'
            ? instance.ports
            : []
      const tcpPorts = UDP_ONLY.has(slug)
        ? []
        : slug === 'conpot'
          ? [instance.ports[0] as number, instance.ports[2] as number]
          : instance.ports
      const tcpPayloads = [...GENERIC_TCP(), ...(TCP_ATTACKS[slug] ?? [])]
      const udpPayloads = [
        garbage(512),
        garbage(1),
        Buffer.alloc(0),
        garbage(9000),
        ...(UDP_ATTACKS[slug] ?? UDP_ATTACKS.snmp ?? []),
      ]
      await Promise.all([
        ...tcpPorts.flatMap((port) => tcpPayloads.map((payload) => hitTcp(instance.host, port, payload))),
        ...tcpPorts.map((port) => hitTcp(instance.host, port, garbage(1024 * 1024))),
        ...udpPorts.flatMap((port) => udpPayloads.map((payload) => hitUdp(instance.host, port, payload))),
        ...(slug === 'rdp'
          ? CREDSSP_ATTACKS.map((payload) => hitCredssp(instance.host, instance.port, payload))
          : []),
      ])

      await withTimeout(probe(instance))
      // The tunnelled attacks really reached the CredSSP parser (not just the TLS layer).
      if (slug === 'rdp') expect(instance.events.some((event) => event.fields.kind === 'credssp')).toBe(true)
      for (const event of instance.events) {
        expect(typeof event.event).toBe('string')
        for (const value of Object.values(event.fields)) {
          expect(['string', 'number', 'boolean'].includes(typeof value) || value === null).toBe(true)
          if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true)
        }
      }
    },
  )
})
