import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engineUrlHost, localAddressReason } from '../src/hosts/engine-address-policy.ts'
import { codeOf, messageOf } from './support/accounts.ts'
import { type Caller, inProcessApiOfSuite } from './support/in-process.ts'
import { freePort } from './support/ports.ts'

const SECRET_KEY = 'enroll-policy-test-secret-key-0123456789'

/** A self-signed certificate and key (PEM) made by openssl. */
function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.pem`)
  const key = path.join(dir, `${name}-key.pem`)
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  )
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') }
}

type Failure = { code: string; message: string; ms: number }

async function enrollFailure(
  admin: Caller,
  name: string,
  dockerUrl: string,
  material: { cert: string; key: string },
): Promise<Failure> {
  const started = Date.now()
  const enrollment = admin.hosts.enroll({
    name,
    dockerUrl,
    tls: { ca: material.cert, cert: material.cert, key: material.key },
    network: { driver: 'bridge', subnet: '10.99.0.0/24', gateway: '10.99.0.1' },
  })
  const [code, message] = await Promise.all([codeOf(enrollment), messageOf(enrollment)])
  return { code, message, ms: Date.now() - started }
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  )
}

describe('the engine address policy', () => {
  it('finds the host of an engine URL and refuses local addresses, mapped or not', () => {
    expect(engineUrlHost('tcp://10.0.0.5:2376')).toBe('10.0.0.5')
    expect(engineUrlHost('https://[::1]:2376/')).toBe('::1')
    expect(engineUrlHost('tcp://docker.lan:2376')).toBe('docker.lan')
    const own = new Set<string>(['192.0.2.10'])
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '::ffff:127.0.0.1',
      '169.254.169.254',
      'fe80::1',
      '0.0.0.0',
      '224.0.0.1',
      '192.0.2.10',
    ]) {
      expect(localAddressReason(address, own), address).not.toBeNull()
    }
    for (const address of ['10.0.0.5', '192.168.1.20', '172.16.4.4', '203.0.113.9', '2001:db8::5']) {
      expect(localAddressReason(address, own), address).toBeNull()
    }
  })
})

describe('hosts.enroll: an address policy and one answer for every failure', () => {
  let dir: string
  let material: { cert: string; key: string }
  const { admin: strictAdmin } = inProcessApiOfSuite({ env: { DECNET_SECRET_KEY: SECRET_KEY } })
  // A lab may enroll engines on this machine; the failures below need listeners on loopback.
  const { admin: labAdmin } = inProcessApiOfSuite({
    env: { DECNET_SECRET_KEY: SECRET_KEY, DECNET_ALLOW_LOCAL_ENGINE_URLS: '1' },
  })
  const servers: net.Server[] = []
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'decnet-enroll-policy-'))
    material = selfSigned(dir, 'client')
  })
  afterAll(() => {
    for (const server of servers) server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses loopback, link-local and this machine`s own addresses without connecting to them', async () => {
    let connections = 0
    const watched = net.createServer((socket) => {
      connections++
      socket.destroy()
    })
    servers.push(watched)
    const port = await listen(watched)
    const own = Object.values(os.networkInterfaces())
      .flatMap((list) => list ?? [])
      .find((entry) => entry.family === 'IPv4' && !entry.internal)?.address
    const urls = [
      `tcp://127.0.0.1:${port}`,
      `tcp://localhost:${port}`,
      'https://[::1]:2376',
      'tcp://169.254.169.254:2376',
      'tcp://0.0.0.0:2376',
      ...(own ? [`tcp://${own}:${port}`] : []),
    ]
    for (const url of urls) {
      const failure = await enrollFailure(strictAdmin, 'probe', url, material)
      expect(failure.code, url).toBe('BAD_REQUEST')
      expect(failure.message, url).toContain('may not point at this machine or its local networks')
    }
    expect(connections).toBe(0)
    expect((await strictAdmin.hosts.list()).filter((host) => host.name === 'probe')).toEqual([])
  })

  it('answers a refused port, a silent port, a TLS failure and a non-Docker server alike, after the same wait', async () => {
    const closedPort = await freePort()
    const silent = net.createServer(() => {})
    const otherCa = selfSigned(dir, 'other-server')
    const wrongTls = tls.createServer({ cert: otherCa.cert, key: otherCa.key }, (socket) => socket.end())
    const plainHttp = createHttpServer((_req, res) => res.end('hello'))
    servers.push(silent, wrongTls, plainHttp)
    const ports = {
      refused: closedPort,
      silent: await listen(silent),
      tls: await listen(wrongTls),
      http: await listen(plainHttp),
    }
    const failures = await Promise.all(
      Object.entries(ports).map(async ([kind, port]) => {
        const url = `tcp://127.0.0.1:${port}`
        const failure = await enrollFailure(labAdmin, `probe-${kind}`, url, material)
        return { kind, ...failure, message: failure.message.replace(url, '<url>') }
      }),
    )
    for (const failure of failures) {
      expect(failure.code, failure.kind).toBe('BAD_REQUEST')
      expect(failure.message, failure.kind).toBe(
        'could not reach a Docker engine with these certificates at <url>',
      )
      // Each waited out the whole probe (5 s), so timing does not tell the cases apart either.
      expect(failure.ms, failure.kind).toBeGreaterThanOrEqual(4_500)
    }
  }, 60_000)
})
