import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { type ClientHello, scanClientHello } from '../src/fingerprints/client-hello.ts'
import { clientHelloFields, httpRequestFingerprintFields } from '../src/fingerprints/fields.ts'
import { hassh } from '../src/fingerprints/hassh.ts'
import { ja3 } from '../src/fingerprints/ja3.ts'
import { alpnMarker, ja4 } from '../src/fingerprints/ja4.ts'
import { ja4h, primaryLanguage } from '../src/fingerprints/ja4h.ts'
import { type KexInit, scanSshClient } from '../src/fingerprints/ssh-kexinit.ts'
import { sha256Prefix12 } from '../src/fingerprints/text.ts'
import { parseHead } from '../src/framework/http-parser.ts'
import { encodeClientHello, encodeKexInit, type HelloSpec, recordsOf } from './fingerprint-builders.ts'
import { closeStartedAfterEach, startTestEmulator } from './helpers.ts'

/** Client bytes cut from FoxIO-LLC/ja4's pcaps, with the fingerprints that project publishes for them. */
const published = JSON.parse(
  readFileSync(new URL('./fixtures/published-fingerprints.json', import.meta.url), 'utf8'),
) as {
  tls: { source: string; clientHello: string; ja4: string; ja3: string; ja3Hash: string; sni: string }[]
  ssh: {
    source: string
    clientBytes: string
    hassh: string
    hasshAlgorithms: string
    clientVersion: string
  }[]
  http: { source: string; request: string; ja4h: string }[]
}

function helloOf(bytes: Buffer): ClientHello {
  const scan = scanClientHello(bytes)
  if (scan.kind !== 'hello') throw new Error(`no hello: ${scan.kind}`)
  return scan.hello
}

// The example of technical_details/JA4.md (Chrome), with GREASE values a real Chrome adds.
const chromeExample: HelloSpec = {
  version: 0x0303,
  ciphers: [
    0x1a1a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c,
    0x009d, 0x002f, 0x0035,
  ],
  extensions: [
    { type: 0xdada },
    { type: 0x001b },
    { type: 0x0000, serverName: 'example.com' },
    { type: 0x0033 },
    { type: 0x0010, alpn: ['h2', 'http/1.1'] },
    { type: 0x4469 },
    { type: 0x0017 },
    { type: 0x002d },
    { type: 0x000d, u16List: [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601] },
    { type: 0x0005 },
    { type: 0x0023 },
    { type: 0x0012 },
    { type: 0x002b, versions: [0x7a7a, 0x0304, 0x0303] },
    { type: 0xff01 },
    { type: 0x000b, u8List: [0] },
    { type: 0x000a, u16List: [0x2a2a, 0x001d, 0x0017, 0x0018] },
    { type: 0x0015 },
    { type: 0x3a3a },
  ],
}

describe('JA4 (technical_details/JA4.md)', () => {
  it('hashes the documented cipher and extension strings to the documented values', () => {
    expect(sha256Prefix12('002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9')).toBe(
      '8daaf6152771',
    )
    expect(
      sha256Prefix12(
        '0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
      ),
    ).toBe('e5627efa2ab1')
    expect(sha256Prefix12('0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01')).toBe(
      '6d807ffa2a79',
    )
  })

  it('reproduces the documented fingerprint and JA4_r from the wire bytes of such a hello', () => {
    const hello = helloOf(encodeClientHello(chromeExample))
    expect(ja4(hello)).toEqual({
      ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1',
      ja4Raw:
        't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
    })
  })

  it('ends the extension string without an underscore when no signature algorithms are sent', () => {
    // The documented case: the extension list is unchanged, the algorithm list is empty.
    const spec = {
      ...chromeExample,
      extensions: chromeExample.extensions.map((extension) =>
        extension.type === 0x000d ? { type: 0x000d, u16List: [] } : extension,
      ),
    }
    const { ja4: fingerprint, ja4Raw } = ja4(helloOf(encodeClientHello(spec)))
    expect(fingerprint).toBe('t13d1516h2_8daaf6152771_6d807ffa2a79')
    expect(ja4Raw.endsWith('4469,ff01')).toBe(true)
  })

  it('marks a hello without SNI, ALPN, ciphers or extensions as the spec says', () => {
    const bare = helloOf(encodeClientHello({ version: 0x0301, ciphers: [], extensions: [] }))
    expect(ja4(bare).ja4).toBe('t10i000000_000000000000_000000000000')
    const sslv3 = helloOf(encodeClientHello({ version: 0x0300, ciphers: [0x000a], extensions: [] }))
    expect(ja4(sslv3).ja4.slice(0, 10)).toBe('ts3i010000')
  })

  it('takes the ALPN marker as documented, hex spelling for non-alphanumeric ends', () => {
    const cases: [number[], string][] = [
      [[0x68, 0x32], 'h2'],
      [[...Buffer.from('http/1.1')], 'h1'],
      [[0x61], 'aa'],
      [[0xab], 'ab'],
      [[0x20], '20'],
      [[0xab, 0xcd], 'ad'],
      [[0x20, 0x61], '21'],
      [[0x30, 0xab], '3b'],
      [[0x61, 0x20], '60'],
      [[0x30, 0x31, 0xab, 0xcd], '3d'],
      [[0x30, 0xab, 0xcd, 0x31], '01'],
    ]
    for (const [bytes, marker] of cases) expect(alpnMarker(Buffer.from(bytes))).toBe(marker)
    expect(alpnMarker(undefined)).toBe('00')
    expect(alpnMarker(Buffer.alloc(0))).toBe('00')
  })

  it.each(published.tls)('matches FoxIO’s published JA4 and tshark’s JA3 for $source', (fixture) => {
    const hello = helloOf(Buffer.from(fixture.clientHello, 'hex'))
    expect(ja4(hello).ja4).toBe(fixture.ja4)
    expect(ja3(hello)).toEqual({ ja3: fixture.ja3, ja3Hash: fixture.ja3Hash })
    expect(hello.serverName).toBe(fixture.sni)
  })
})

describe('JA3 (salesforce/ja3 README)', () => {
  it('reproduces both README examples from hello bytes', () => {
    const withExtensions = helloOf(
      encodeClientHello({
        version: 769,
        ciphers: [47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4],
        extensions: [
          { type: 0, serverName: 'example.org' },
          { type: 10, u16List: [23, 24, 25] },
          { type: 11, u8List: [0] },
        ],
      }),
    )
    expect(ja3(withExtensions)).toEqual({
      ja3: '769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0',
      ja3Hash: 'ada70206e40642a3e4461f35503241d5',
    })
    const without = helloOf(
      encodeClientHello({ version: 769, ciphers: [4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99], extensions: [] }),
    )
    expect(ja3(without)).toEqual({
      ja3: '769,4-5-10-9-100-98-3-6-19-18-99,,,',
      ja3Hash: 'de350869b8c85de67a350c8d186f11e6',
    })
  })

  it('leaves GREASE out of every list', () => {
    const { ja3: text } = ja3(helloOf(encodeClientHello(chromeExample)))
    expect(text).toBe(
      '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23-24,0',
    )
  })
})

describe('ClientHello reader', () => {
  const bytes = Buffer.from(published.tls[0]?.clientHello ?? '', 'hex')

  it('reassembles a hello split over many records and waits for every byte', () => {
    const body = bytes.subarray(5)
    const split = recordsOf(body, 7)
    for (let cut = 1; cut < split.length; cut += 97)
      expect(scanClientHello(split.subarray(0, cut)).kind).toBe('incomplete')
    expect(ja4(helloOf(split)).ja4).toBe(published.tls[0]?.ja4)
  })

  it('refuses plain text, other records, oversized and cut-short hellos without throwing', () => {
    expect(scanClientHello(Buffer.from('GET / HTTP/1.0\r\n\r\n')).kind).toBe('not_tls')
    expect(scanClientHello(Buffer.from([0x80, 0x2e, 0x01, 0x00, 0x02])).kind).toBe('not_tls') // SSLv2
    expect(scanClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0, 0, 0])).kind).toBe('malformed')
    expect(scanClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xff, 0xff, 0xff])).kind).toBe(
      'too_large',
    )
    // A hello whose inner lengths run past its end.
    const lying = Buffer.from(bytes)
    lying.writeUInt16BE(0xfff0, 5 + 4 + 2 + 32 + 1 + (lying[5 + 4 + 2 + 32] ?? 0))
    expect(scanClientHello(lying).kind).toBe('malformed')
    for (let seed = 1; seed < 300; seed++) {
      const noise = Buffer.from(bytes)
      for (let i = 0; i < 8; i++) noise[(seed * 7919 * (i + 1)) % noise.length] = (seed * 31 + i) & 0xff
      expect(() => scanClientHello(noise)).not.toThrow()
    }
  })

  it('caps what it emits: a 64 KiB server name and ALPN stay short', () => {
    const fields = clientHelloFields(
      helloOf(
        encodeClientHello({
          version: 0x0303,
          ciphers: [0x1301],
          extensions: [
            { type: 0, serverName: 'a'.repeat(20_000) },
            { type: 16, alpn: ['x'.repeat(255)] },
          ],
        }),
      ),
    )
    expect(String(fields.tls_sni).length).toBeLessThanOrEqual(255)
    expect(String(fields.tls_alpn).length).toBeLessThanOrEqual(64)
    expect(fields.tls_version).toBe('TLSv1.2')
  })
})

describe('HASSH (salesforce/hassh README)', () => {
  it('hashes the Cyberduck example to the published value', () => {
    const kexinit: KexInit = {
      kex: 'curve25519-sha256@libssh.org,diffie-hellman-group-exchange-sha256,ecdh-sha2-nistp521,ecdh-sha2-nistp384,ecdh-sha2-nistp256,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,diffie-hellman-group14-sha256,diffie-hellman-group15-sha512,diffie-hellman-group16-sha512,diffie-hellman-group17-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256@ssh.com,diffie-hellman-group15-sha256,diffie-hellman-group15-sha256@ssh.com,diffie-hellman-group15-sha384@ssh.com,diffie-hellman-group16-sha256,diffie-hellman-group16-sha384@ssh.com,diffie-hellman-group16-sha512@ssh.com,diffie-hellman-group18-sha512@ssh.com',
      serverHostKey: 'ssh-rsa',
      encryptionClientToServer:
        'aes128-cbc,aes128-ctr,aes192-cbc,aes192-ctr,aes256-cbc,aes256-ctr,blowfish-cbc,blowfish-ctr,cast128-cbc,cast128-ctr,idea-cbc,idea-ctr,serpent128-cbc,serpent128-ctr,serpent192-cbc,serpent192-ctr,serpent256-cbc,serpent256-ctr,3des-cbc,3des-ctr,twofish128-cbc,twofish128-ctr,twofish192-cbc,twofish192-ctr,twofish256-cbc,twofish256-ctr,twofish-cbc,arcfour,arcfour128,arcfour256',
      encryptionServerToClient: 'aes128-ctr',
      macClientToServer: 'hmac-sha1,hmac-sha1-96,hmac-md5,hmac-md5-96,hmac-sha2-256,hmac-sha2-512',
      macServerToClient: 'hmac-sha1',
      compressionClientToServer: 'zlib@openssh.com,zlib,none',
      compressionServerToClient: 'none',
    }
    // Through the wire format: ident line, then the KEXINIT packet.
    const scan = scanSshClient(
      Buffer.concat([
        Buffer.from('SSH-2.0-Cyberduck/6.7.1.28683 (Mac OS X/10.13.6) (x86_64)\r\n'),
        encodeKexInit(kexinit),
      ]),
    )
    expect(scan.kind).toBe('kexinit')
    if (scan.kind !== 'kexinit') return
    expect(scan.clientVersion).toBe('SSH-2.0-Cyberduck/6.7.1.28683 (Mac OS X/10.13.6) (x86_64)')
    expect(hassh(scan.kexinit).hassh).toBe('8a8ae540028bf433cd68356c1b9e8d5b')
  })

  it.each(published.ssh)('matches the published HASSH for $source', (fixture) => {
    const bytes = Buffer.from(fixture.clientBytes, 'hex')
    for (let cut = 1; cut < bytes.length; cut += 101)
      expect(scanSshClient(bytes.subarray(0, cut)).kind).toBe('incomplete')
    const scan = scanSshClient(bytes)
    if (scan.kind !== 'kexinit') throw new Error(scan.kind)
    expect(scan.clientVersion).toBe(fixture.clientVersion)
    expect(hassh(scan.kexinit)).toEqual({ hassh: fixture.hassh, algorithms: fixture.hasshAlgorithms })
  })

  it('gives up on non-SSH bytes and on a first packet that is no KEXINIT', () => {
    expect(scanSshClient(Buffer.from('GET / HTTP/1.1\r\n')).kind).toBe('not_ssh')
    const notKex = Buffer.concat([
      Buffer.from('SSH-2.0-x\r\n'),
      Buffer.from([0, 0, 0, 12, 4, 21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ])
    expect(scanSshClient(notKex)).toEqual({ kind: 'no_kexinit', clientVersion: 'SSH-2.0-x' })
    const huge = Buffer.concat([Buffer.from('SSH-2.0-x\r\n'), Buffer.from([0x7f, 0, 0, 0, 4, 20])])
    expect(scanSshClient(huge).kind).toBe('no_kexinit')
  })
})

describe('JA4H (technical_details/JA4H.md)', () => {
  it('reproduces FoxIO’s reference example (rust/ja4/src/http.rs) and its raw form', () => {
    const rawHeaders: [string, string][] = [
      ['Host', 'www.cnn.com'],
      [
        'Cookie',
        'FastAB=0=6859,1=8174,2=4183,3=3319,4=3917,5=2557,6=4259,7=6070,8=0804,9=6453,10=1942,11=4435,12=4143,13=9445,14=6957,15=8682,16=1885,17=1825,18=3760,19=0929; sato=1; countryCode=US; stateCode=VA; geoData=purcellville|VA|20132|US|NA|-400|broadband|39.160|-77.700|511; usprivacy=1---; umto=1; _dd_s=logs=1&id=b5c2d770-eaba-4847-8202-390c4552ff9a&created=1686159462724&expire=1686160422726',
      ],
      ['Sec-Ch-Ua', ''],
      ['Sec-Ch-Ua-Mobile', '?0'],
      [
        'User-Agent',
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.110 Safari/537.36',
      ],
      ['Sec-Ch-Ua-Platform', '""'],
      ['Accept', '*/*'],
      ['Sec-Fetch-Site', 'same-origin'],
      ['Sec-Fetch-Mode', 'cors'],
      ['Sec-Fetch-Dest', 'empty'],
      ['Sec-Fetch-Mode', 'cors'],
      ['Sec-Fetch-Dest', 'empty'],
      ['Referer', 'https://www.cnn.com/'],
      ['Accept-Encoding', 'gzip, deflate'],
      ['Accept-Language', 'en-US,en;q=0.9'],
    ]
    const result = ja4h({ method: 'GET', version: '1.1', rawHeaders })
    expect(result.ja4h).toBe('ge11cr13enus_88d2d584d47f_0f2659b474bf_161698816dab')
    expect(result.ja4hRaw).toBe(
      'ge11cr13enus_Host,Sec-Ch-Ua,Sec-Ch-Ua-Mobile,User-Agent,Sec-Ch-Ua-Platform,Accept,Sec-Fetch-Site,Sec-Fetch-Mode,Sec-Fetch-Dest,Sec-Fetch-Mode,Sec-Fetch-Dest,Accept-Encoding,Accept-Language_FastAB,_dd_s,countryCode,geoData,sato,stateCode,umto,usprivacy_FastAB=0=6859,1=8174,2=4183,3=3319,4=3917,5=2557,6=4259,7=6070,8=0804,9=6453,10=1942,11=4435,12=4143,13=9445,14=6957,15=8682,16=1885,17=1825,18=3760,19=0929,_dd_s=logs=1&id=b5c2d770-eaba-4847-8202-390c4552ff9a&created=1686159462724&expire=1686160422726,countryCode=US,geoData=purcellville|VA|20132|US|NA|-400|broadband|39.160|-77.700|511,sato=1,stateCode=VA,umto=1,usprivacy=1---',
    )
  })

  it.each(published.http)('matches the published JA4H of $source', (fixture) => {
    const parsed = parseHead(Buffer.from(fixture.request, 'latin1'), {
      requestLine: 8190,
      headerLine: 8190,
      headerCount: 100,
    })
    if (parsed.kind !== 'head') throw new Error(parsed.kind)
    expect(httpRequestFingerprintFields(parsed.head).ja4h).toBe(fixture.ja4h)
  })

  it('reads the primary language as the reference examples do', () => {
    expect(primaryLanguage('en-US,en;q=0.9')).toBe('enus')
    expect(primaryLanguage('da, en-GB;q=0.8, en;q=0.7')).toBe('da00')
    expect(primaryLanguage('fr;q=0.9')).toBe('fr00')
  })

  it('records the header order lower-cased and capped, and no JA4H for HTTP/0.9', () => {
    const many = Array.from({ length: 200 }, (_, i) => [`X-Padding-Header-${i}`, 'v'] as [string, string])
    const fields = httpRequestFingerprintFields({ method: 'GET', version: '1.1', rawHeaders: many })
    expect(String(fields.header_order).length).toBeLessThanOrEqual(1024)
    expect(String(fields.header_order).startsWith('x-padding-header-0,x-padding-header-1,')).toBe(true)
    expect(String(fields.ja4h).slice(0, 12)).toBe('ge11nn990000')
    expect(httpRequestFingerprintFields({ method: 'GET', version: '0.9', rawHeaders: [] })).toEqual({
      header_order: '',
    })
  })
})

describe('the ClientHello tap of a TLS listener under hostile input', () => {
  closeStartedAfterEach()

  it('hands a stalled half hello, a record flood and plain text to TLS, which refuses them; no event without a hello', async () => {
    const web = await startTestEmulator('https', { limits: { idleTimeoutMs: 500 } })
    const full = Buffer.from(published.tls[0]?.clientHello ?? '', 'hex')
    // Half a hello, then silence: the tap gives up at the handshake timeout, TLS then fails it.
    const failing = new Set<number>()
    const stalled = connect({ host: web.host, port: web.port }, () => failing.add(stalled.localPort ?? 0))
    stalled.on('error', () => undefined)
    stalled.resume()
    stalled.write(full.subarray(0, 100))
    // 2 MiB of handshake records that never form a hello: the tap stops buffering at its cap.
    const flooder = connect({ host: web.host, port: web.port }, () => failing.add(flooder.localPort ?? 0))
    flooder.on('error', () => undefined)
    flooder.resume()
    const record = Buffer.concat([
      Buffer.from([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0xff, 0xff]),
      Buffer.alloc(0x4000 - 4),
    ])
    for (let sent = 0; sent < 2 * 1024 * 1024 && !flooder.destroyed; sent += record.length)
      flooder.write(record)
    // A port scanner's connect-and-close, and one that half-closes after a few bytes.
    const scanner = connect({ host: web.host, port: web.port }, () => scanner.end())
    const halfClosed = connect({ host: web.host, port: web.port }, () => halfClosed.end(full.subarray(0, 20)))
    for (const socket of [scanner, halfClosed]) {
      socket.on('error', () => undefined)
      socket.resume()
    }
    const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()))
    await Promise.all([closed(stalled), closed(flooder), closed(scanner), closed(halfClosed)])
    const failures = web.events.filter(
      (event) => event.event === 'scan' && event.fields.reason === 'tls_handshake_failed',
    )
    expect(failures.length).toBeGreaterThanOrEqual(1)
    expect(web.events.filter((event) => event.event === 'tls_client_hello')).toEqual([])
    // The listener still serves: a real handshake is fingerprinted and completes.
    const cipher = await new Promise<string>((resolve, reject) => {
      const tls = tlsConnect(
        { host: web.host, port: web.port, rejectUnauthorized: false, servername: 'a.example' },
        () => {
          resolve(tls.getCipher().name)
          tls.destroy()
        },
      )
      tls.on('error', reject)
    })
    expect(cipher).toMatch(/^TLS_|ECDHE/)
    const hello = await web.waitFor((event) => event.event === 'tls_client_hello')
    expect(hello.fields.tls_sni).toBe('a.example')
    // Hanging up is no failed handshake: past the (500 ms) handshake time, only the stalled and the
    // flooding peer were reported. (A slow machine can only make this check miss, never fail.)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const reported = web.events.filter((event) => event.event === 'scan').map((event) => event.src_port)
    expect(new Set(reported)).toEqual(failing)
  })

  it('counts connections still sending their hello against the connection cap', async () => {
    const web = await startTestEmulator('https', { limits: { maxConnections: 3 } })
    const half = Buffer.from(published.tls[0]?.clientHello ?? '', 'hex').subarray(0, 50)
    const open = (): Promise<Socket> =>
      new Promise((resolve) => {
        const socket = connect({ host: web.host, port: web.port }, () => {
          socket.write(half)
          resolve(socket)
        })
        socket.on('error', () => undefined)
        socket.resume()
      })
    const held = [await open(), await open(), await open()]
    const refused = await open()
    await new Promise<void>((resolve) => refused.once('close', () => resolve()))
    for (const socket of held) expect(socket.destroyed).toBe(false)
    for (const socket of held) socket.destroy()
  })

  it.each(['imap', 'pop3', 'ldap'])('fingerprints the implicit-TLS port of %s too', async (slug) => {
    // The second configured port is the implicit-TLS variant (imaps, pop3s, ldaps).
    const started = await startTestEmulator(slug, { ports: [0, 0] })
    const port = started.running.ports[1] as number
    await new Promise<void>((resolve, reject) => {
      const tls = tlsConnect(
        { host: started.host, port, rejectUnauthorized: false, servername: 'mail.example' },
        () => {
          tls.destroy()
          resolve()
        },
      )
      tls.on('error', reject)
    })
    const hello = await started.waitFor((event) => event.event === 'tls_client_hello')
    expect(hello.service).toBe(slug)
    expect(hello.fields.tls_sni).toBe('mail.example')
    expect(String(hello.fields.ja4)).toMatch(/^t13d/)
  })
})
