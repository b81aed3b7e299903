import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DecoyEvent } from '../src/emulator.ts'
import { startTestEmulator } from './helpers.ts'

/**
 * Real clients (curl, Python requests, nmap's ssl-enum-ciphers, OpenSSH) against the https, http
 * and ssh emulators, with the loopback traffic captured by tshark. What the decoys emit is checked
 * against what Wireshark's dissectors make of the same packets: its own JA3 and HASSH, and JA4/JA4H
 * recomputed here from the fields it dissected (Debian's tshark 4.0 predates its JA4 fields).
 */

const run = promisify(execFile)
type Started = Awaited<ReturnType<typeof startTestEmulator>>

let https: Started
let http: Started
let ssh: Started
let workDir: string
let capture: string
/** Client source port → the parsed packet layers tshark reports for its handshake. */
let tlsHellos: Map<number, TlsLayer>

const sha12 = (text: string) =>
  text === '' ? '000000000000' : createHash('sha256').update(text).digest('hex').slice(0, 12)
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value]

/**
 * Starts tshark on the loopback interface and returns once it really captures: `Capturing on` is
 * printed before the filter is live, so UDP probes go out until tshark reports one (`-P -l`).
 */
async function startCapture(hosts: string[], file: string): Promise<ChildProcess> {
  const filter = hosts.map((host) => `host ${host}`).join(' or ')
  const tshark = spawn('tshark', ['-l', '-P', '-i', 'lo', '-f', filter, '-w', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let said = ''
  let seen = false
  tshark.stderr?.on('data', (chunk: Buffer) => {
    said += chunk.toString()
  })
  tshark.stdout?.on('data', () => {
    seen = true
  })
  const probe = createSocket('udp4')
  try {
    const deadline = Date.now() + 60_000
    while (!seen) {
      if (tshark.exitCode !== null) throw new Error(`tshark exited ${tshark.exitCode}: ${said}`)
      if (Date.now() > deadline) throw new Error(`tshark captured nothing: ${said}`)
      probe.send('probe', 9, hosts[0])
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  } finally {
    probe.close()
  }
  return tshark
}

async function stopCapture(tshark: ChildProcess): Promise<void> {
  // Give the last packets time to be written, then let tshark flush and close the file.
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const exited = new Promise((resolve) => tshark.once('exit', resolve))
  tshark.kill('SIGINT')
  await exited
}

async function tshark(args: string[]): Promise<string> {
  const { stdout } = await run('tshark', ['-r', capture, ...args], { maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

/** `-T fields` rows: one array of column values per packet. */
async function fields(decode: string[], filter: string, names: string[]): Promise<string[][]> {
  const output = await tshark([
    ...decode.flatMap((rule) => ['-d', rule]),
    '-Y',
    filter,
    '-T',
    'fields',
    '-E',
    'separator=\t',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=|',
    ...names.flatMap((name) => ['-e', name]),
  ])
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.split('\t'))
}

type Json = { [key: string]: Json } & Json[] & string
type TlsLayer = Record<string, Json>

/**
 * JA4 from Wireshark's dissection of a ClientHello, following technical_details/JA4.md: written
 * apart from the decoys' reader so a shared misreading of the bytes cannot hide.
 */
function ja4FromDissection(handshake: TlsLayer): string {
  const grease = (hex: string) => /^0x([0-9a-f])a\1a$/i.test(hex)
  const hex4 = (value: string) => Number(value).toString(16).padStart(4, '0')
  const ciphers = asArray<string>(handshake['tls.handshake.ciphersuites']?.['tls.handshake.ciphersuite'])
    .filter((value) => !grease(value))
    .map((value) => value.slice(2))
  const extensions = Object.keys(handshake)
    .filter((key) => key.startsWith('Extension: '))
    .flatMap((key) => asArray<TlsLayer>(handshake[key] as unknown as TlsLayer))
  const typeOf = (extension: TlsLayer) => Number(extension['tls.handshake.extension.type'])
  const kept = extensions.filter((extension) => !grease(`0x${hex4(String(typeOf(extension)))}`))
  const types = kept.map(typeOf)
  const find = (type: number) => kept.find((extension) => typeOf(extension) === type)
  const versions = asArray<string>(find(43)?.['tls.handshake.extensions.supported_version']).filter(
    (value) => !grease(value),
  )
  const version = versions.length
    ? versions.map((value) => Number(value)).reduce((a, b) => Math.max(a, b))
    : Number(handshake['tls.handshake.version'])
  const versionCode = { 772: '13', 771: '12', 770: '11', 769: '10', 768: 's3' }[version] ?? '00'
  const alpn = asArray<string>(
    find(16)?.['tls.handshake.extensions_alpn_list']?.['tls.handshake.extensions_alpn_str'],
  )[0]
  const alpnCode = alpn ? `${alpn[0]}${alpn[alpn.length - 1]}` : '00'
  const count = (n: number) => String(Math.min(n, 99)).padStart(2, '0')
  const signatures = asArray<string>(
    find(13)?.['tls.handshake.sig_hash_algs']?.['tls.handshake.sig_hash_alg'],
  )
    .filter((value) => !grease(value))
    .map((value) => value.slice(2))
  const sortedExtensions = types
    .filter((type) => type !== 0 && type !== 16)
    .map((type) => hex4(String(type)))
    .sort()
    .join(',')
  const a = `t${versionCode}${types.includes(0) ? 'd' : 'i'}${count(ciphers.length)}${count(types.length)}${alpnCode}`
  const c = signatures.length ? `${sortedExtensions}_${signatures.join(',')}` : sortedExtensions
  return `${a}_${sha12([...ciphers].sort().join(','))}_${sha12(c)}`
}

/** JA4H from tshark's dissection of a request (method, version, header lines, language, cookies). */
function ja4hFromDissection(row: string[]): string {
  const [method = '', version = '', lines = '', language = '', cookie = ''] = row
  const names = lines
    .split('|')
    .map((line) => line.slice(0, line.indexOf(':')))
    .filter((name) => name !== '')
  const headers = names.filter((name) => !['cookie', 'referer'].includes(name.toLowerCase()))
  const lang = language
    ? language.split(/[,;]/)[0]?.replace(/-/g, '').toLowerCase().slice(0, 4).padEnd(4, '0')
    : '0000'
  const pairs = cookie
    ? cookie
        .split(';')
        .map((pair) => pair.trim())
        .sort()
    : []
  const a = `${method.slice(0, 2).toLowerCase()}${version.replace('HTTP/', '').replace('.', '')}${
    names.some((name) => name.toLowerCase() === 'cookie') ? 'c' : 'n'
  }${names.some((name) => name.toLowerCase() === 'referer') ? 'r' : 'n'}${String(headers.length).padStart(2, '0')}${lang}`
  return `${a}_${sha12(headers.join(','))}_${sha12(pairs.map((pair) => pair.split('=')[0]).join(','))}_${sha12(pairs.join(','))}`
}

const eventsOf = (started: Started, type: string) => started.events.filter((event) => event.event === type)
const bySourcePort = (events: DecoyEvent[]) => new Map(events.map((event) => [event.src_port, event]))

beforeAll(async () => {
  https = await startTestEmulator('https', { seed: 'fp-https' })
  http = await startTestEmulator('http', { seed: 'fp-http' })
  ssh = await startTestEmulator('ssh', { seed: 'fp-ssh' })
  workDir = mkdtempSync(path.join(tmpdir(), 'decnet-fp-'))
  capture = path.join(workDir, 'clients.pcapng')
  const tsharkCapture = await startCapture([https.host, http.host, ssh.host], capture)
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
    await run('sshpass', [
      '-p',
      'not-the-password',
      'ssh',
      '-o',
      'PreferredAuthentications=password',
      '-o',
      'PubkeyAuthentication=no',
      '-o',
      'NumberOfPasswordPrompts=1',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-p',
      String(ssh.port),
      `root@${ssh.host}`,
      'true',
    ]).catch(() => undefined) // refused: wrong password
    await ssh.waitFor((event) => event.event === 'auth_attempt')
  } finally {
    await stopCapture(tsharkCapture)
  }
  const json = JSON.parse(
    await tshark([
      '-d',
      `tcp.port==${https.port},tls`,
      '-Y',
      'tls.handshake.type == 1',
      '-T',
      'json',
      '--no-duplicate-keys',
      '-J',
      'tcp tls',
    ]),
  ) as { _source: { layers: { tcp: TlsLayer; tls: TlsLayer } } }[]
  tlsHellos = new Map()
  for (const packet of json) {
    const { tcp, tls } = packet._source.layers
    for (const record of asArray<TlsLayer>(tls['tls.record'] as unknown as TlsLayer)) {
      for (const handshake of asArray<TlsLayer>(record['tls.handshake'] as unknown as TlsLayer))
        if (handshake['tls.handshake.type'] === '1') tlsHellos.set(Number(tcp['tcp.srcport']), handshake)
    }
  }
}, 180_000)

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

describe('client fingerprints against real clients, checked on the capture', () => {
  it('emits one tls_client_hello per captured ClientHello, JA3 equal to tshark’s', async () => {
    const rows = await fields([`tcp.port==${https.port},tls`], 'tls.handshake.type == 1', [
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
    const [row] = await fields(
      [`tcp.port==${ssh.port},ssh`],
      `ssh.message_code == 20 && tcp.dstport == ${ssh.port}`,
      ['ssh.kex.hassh', 'ssh.kex.hassh_algorithms'],
    )
    const [ident] = await fields(
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
    const rows = await fields([`tcp.port==${http.port},http`], 'http.request', [
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
})
