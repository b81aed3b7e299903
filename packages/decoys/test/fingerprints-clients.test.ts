import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { analyseEvent, type FingerprintKind } from '@decnet/core/intel'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DecoyEvent } from '../src/emulator.ts'
import { startTestEmulator } from './helpers.ts'
import { intelEvent } from './intel-summary.ts'
import { sshpassArgs } from './support/ssh-client.ts'
import {
  type Capture,
  ja4FromDissection,
  ja4hFromDissection,
  startCapture,
  type TlsLayer,
} from './tshark-capture.ts'

/**
 * Real clients (curl, Python requests, nmap's ssl-enum-ciphers, OpenSSH) against the https, http
 * and ssh emulators, with the loopback traffic captured by tshark: what the decoys emit is checked
 * against Wireshark's dissection of the same packets (see tshark-capture.ts).
 */

const run = promisify(execFile)
type Started = Awaited<ReturnType<typeof startTestEmulator>>

let https: Started
let http: Started
let ssh: Started
let capture: Capture
/** Client source port → tshark's dissection of its ClientHello. */
let tlsHellos: Map<number, TlsLayer>

const eventsOf = (started: Started, type: string) => started.events.filter((event) => event.event === type)
const bySourcePort = (events: DecoyEvent[]) => new Map(events.map((event) => [event.src_port, event]))

beforeAll(async () => {
  https = await startTestEmulator('https', { seed: 'fp-https' })
  http = await startTestEmulator('http', { seed: 'fp-http' })
  ssh = await startTestEmulator('ssh', { seed: 'fp-ssh' })
  capture = await startCapture('lo', [https.host, http.host, ssh.host])
  try {
    const httpsUrl = `https://${https.host}:${https.port}/`
    const httpUrl = `http://${http.host}:${http.port}/login`
    // curl with a server name (SNI), Python requests by address (no SNI), plain HTTP with both.
    await run('curl', [
      '-sk',
      '-o',
      '/dev/null',
      '--resolve',
      `portal.corp.example:${https.port}:${https.host}`,
      `https://portal.corp.example:${https.port}/`,
    ])
    await run('curl', ['-s', '-o', '/dev/null', '-H', 'Accept-Language: de-DE,de;q=0.9', httpUrl])
    const python = [
      'import sys, requests, urllib3',
      'urllib3.disable_warnings()',
      'requests.get(sys.argv[1], verify=False, timeout=10)',
      "requests.get(sys.argv[2], timeout=10, cookies={'sid': 'abc', 'lang': 'en'}, headers={'Referer': 'http://intranet/', 'Accept-Language': 'en-GB,en;q=0.8'})",
    ].join('; ')
    await run('/usr/bin/python3', ['-c', python, httpsUrl, httpUrl])
    // Dozens of hand-built hellos (SSLv3 … TLS 1.3, no SNI, cipher sweeps).
    await run('nmap', ['-Pn', '-n', '-p', String(https.port), '--script', 'ssl-enum-ciphers', https.host])
    // One wrong password, so the connection also yields an auth_attempt after the KEXINIT.
    await run(
      'sshpass',
      sshpassArgs({ address: ssh.host, port: ssh.port, password: 'not-the-password', command: 'true' }),
    ).catch(() => undefined) // refused: wrong password
    await ssh.waitFor((event) => event.event === 'auth_attempt')
  } finally {
    await capture.stop()
  }
  tlsHellos = await capture.clientHellos(https.port)
}, 180_000)

afterAll(() => {
  capture?.remove()
})

describe('client fingerprints against real clients, checked on the capture', () => {
  it('emits one tls_client_hello per captured ClientHello, JA3 equal to tshark’s', async () => {
    const rows = await capture.fields([`tcp.port==${https.port},tls`], 'tls.handshake.type == 1', [
      'tcp.srcport',
      'tls.handshake.ja3_full',
      'tls.handshake.ja3',
      'tls.handshake.extensions_server_name',
    ])
    const events = bySourcePort(eventsOf(https, 'tls_client_hello'))
    // curl, requests and nmap's sweep: dozens of handshakes, each seen by the decoy.
    expect(rows.length).toBeGreaterThan(20)
    expect(events.size).toBe(rows.length)
    for (const [port, ja3Full, ja3Hash, sni] of rows) {
      const event = events.get(Number(port))
      expect(event, `no event for the hello from port ${port}`).toBeDefined()
      expect(event?.fields.ja3).toBe(ja3Full)
      expect(event?.fields.ja3_hash).toBe(ja3Hash)
      expect(event?.fields.tls_sni).toBe(sni || null)
    }
    expect([...events.values()].some((event) => event.fields.tls_sni === 'portal.corp.example')).toBe(true)
  })

  it('JA4 of every hello equals the JA4 recomputed from Wireshark’s dissection', () => {
    const events = bySourcePort(eventsOf(https, 'tls_client_hello'))
    const kinds = new Set<string>()
    for (const [port, handshake] of tlsHellos) {
      const event = events.get(port)
      expect(event?.fields.ja4, `hello from port ${port}`).toBe(ja4FromDissection(handshake))
      kinds.add(String(event?.fields.ja4).slice(0, 4))
    }
    // TLS 1.3 clients with and without SNI, and nmap's older protocol versions.
    expect(kinds).toContain('t13d')
    expect(kinds).toContain('t13i')
    expect(
      [...kinds].some((kind) => kind.startsWith('t10') || kind.startsWith('t11') || kind.startsWith('ts3')),
    ).toBe(true)
  })

  it('HASSH and client version of OpenSSH equal tshark’s, and later SSH events carry the hassh', async () => {
    const [row] = await capture.fields(
      [`tcp.port==${ssh.port},ssh`],
      `ssh.message_code == 20 && tcp.dstport == ${ssh.port}`,
      ['ssh.kex.hassh', 'ssh.kex.hassh_algorithms'],
    )
    const [ident] = await capture.fields(
      [`tcp.port==${ssh.port},ssh`],
      `ssh.protocol && tcp.dstport == ${ssh.port}`,
      ['ssh.protocol'],
    )
    const [kexinit] = eventsOf(ssh, 'ssh_client_kexinit')
    expect(kexinit?.fields).toEqual({
      client_version: ident?.[0],
      hassh: row?.[0],
      hassh_algorithms: row?.[1],
    })
    expect(String(kexinit?.fields.client_version)).toMatch(/^SSH-2\.0-OpenSSH_/)
    const auth = eventsOf(ssh, 'auth_attempt')
    expect(auth.length).toBeGreaterThan(0)
    for (const event of auth) expect(event.fields.hassh).toBe(row?.[0])
  })

  it('JA4H and header order of curl and Python requests equal the capture’s', async () => {
    const rows = await capture.fields([`tcp.port==${http.port},http`], 'http.request', [
      'tcp.srcport',
      'http.request.method',
      'http.request.version',
      'http.request.line',
      'http.accept_language',
      'http.cookie',
    ])
    const requests = bySourcePort(eventsOf(http, 'request'))
    expect(rows.length).toBe(2)
    for (const [port = '', ...row] of rows) {
      const event = requests.get(Number(port))
      expect(event?.fields.ja4h).toBe(ja4hFromDissection(row))
      const order = (row[2] ?? '')
        .split('|')
        .map((line) => line.slice(0, line.indexOf(':')).toLowerCase())
        .join(',')
      expect(event?.fields.header_order).toBe(order)
    }
    const python = [...requests.values()].find((event) =>
      String(event.fields.user_agent).startsWith('python-requests'),
    )
    expect(String(python?.fields.ja4h).slice(0, 12)).toBe('ge11cr06engb')
    const curl = [...requests.values()].find((event) => String(event.fields.user_agent).startsWith('curl'))
    expect(String(curl?.fields.ja4h).slice(0, 12)).toBe('ge11nn04dede')
  })

  it('HTTP inside TLS gets its JA4H too (the request event of the TLS connection)', () => {
    const hellos = bySourcePort(eventsOf(https, 'tls_client_hello'))
    const requests = eventsOf(https, 'request')
    expect(requests.length).toBe(2)
    for (const request of requests) {
      expect(hellos.has(request.src_port)).toBe(true)
      expect(String(request.fields.ja4h)).toMatch(/^ge11nn0[0-9]0000_[0-9a-f]{12}_0{12}_0{12}$/)
    }
  })

  it('the intelligence analysis reads these events as fingerprints of every kind', () => {
    const kinds = new Set<FingerprintKind>()
    for (const event of [...https.events, ...http.events, ...ssh.events]) {
      const findings = analyseEvent(intelEvent(event))
      for (const finding of findings.fingerprints) kinds.add(finding.kind)
    }
    expect([...kinds].sort()).toEqual(['hassh', 'ja3', 'ja4', 'ja4h', 'ssh_client', 'user_agent'])
  })
})
