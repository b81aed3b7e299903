import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { DecoyEvent } from '@decnet/decoys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tcpReady } from '../../decoys/test/helpers.ts'
import {
  type Capture,
  ja4FromDissection,
  ja4hFromDissection,
  startCapture,
} from '../../decoys/test/tshark-capture.ts'
import { DockerEngine } from '../src/index.ts'
import { buildDecoyImage } from './support/decoy-image.ts'
import { deckySpec, dockerTestbed, removeInstance, tcpService } from './support/docker.ts'

/**
 * Issue 16 acceptance: real clients against a deckie deployed by the Docker engine (the real decoy
 * image) produce the right JA3/JA4/HASSH/JA4H, checked against Wireshark's dissection of a capture
 * of the same traffic on the host side of the decky's bridge.
 */

const run = promisify(execFile)
const { docker, instance, network } = dockerTestbed()
const spec = deckySpec('fp-01', `${network.prefix}.40`, [
  tcpService('ssh', 22),
  tcpService('https', 443),
  tcpService('http', 80),
])
let capture: Capture
const events = new Map<string, DecoyEvent[]>()

/** The decoy events one service of the decky wrote to its decoy container's stdout. */
async function serviceEvents(service: string): Promise<DecoyEvent[]> {
  const [container] = await docker.listContainers({
    filters: { label: [`decnet.instance=${instance}`, 'decnet.decky=fp-01', 'decnet.role=decoy'] },
  })
  const logs = await docker.getContainer(container?.Id ?? '').logs({ stdout: true, stderr: false })
  // Multiplexed log frames: each event is one JSON line after an 8-byte frame header.
  return logs
    .toString('utf8')
    .split('\n')
    .flatMap((line) => {
      const start = line.indexOf('{"ts"')
      if (start === -1) return []
      try {
        return [JSON.parse(line.slice(start)) as DecoyEvent]
      } catch {
        return []
      }
    })
    .filter((event) => event.service === service)
}

beforeAll(async () => {
  const image = buildDecoyImage()
  const engine = new DockerEngine({
    image,
    instance,
    networkName: `${instance}_lan`,
    readinessTimeoutMs: 30_000,
  })
  await engine.deploy(spec, network)
  for (const port of [22, 443, 80]) await tcpReady(spec.ip, port)
  capture = await startCapture('any', [spec.ip])
  try {
    await run('curl', [
      '-sk',
      '-o',
      '/dev/null',
      '--resolve',
      `files.corp.example:443:${spec.ip}`,
      'https://files.corp.example/',
    ])
    await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-H',
      'Accept-Language: fr-FR,fr;q=0.9',
      '-b',
      'b=2; a=1',
      `http://${spec.ip}/`,
    ])
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
      `root@${spec.ip}`,
      'true',
    ]).catch(() => undefined) // refused: wrong password
  } finally {
    await capture.stop()
  }
  // The containers write their events as they happen; wait until each service logged its own.
  const wanted: [string, string][] = [
    ['https', 'tls_client_hello'],
    ['http', 'request'],
    ['ssh', 'auth_attempt'],
  ]
  for (const [service, type] of wanted) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const logged = await serviceEvents(service)
      events.set(service, logged)
      if (logged.some((event) => event.event === type)) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}, 400_000)

afterAll(async () => {
  capture?.remove()
  await removeInstance(docker, instance)
})

const ofType = (service: string, type: string) =>
  (events.get(service) ?? []).filter((event) => event.event === type)

describe('fingerprints of real clients at a deployed decky', () => {
  it('curl’s ClientHello: JA3 as tshark computes it, JA4 as recomputed from its dissection', async () => {
    const hellos = await capture.clientHellos(443)
    const [rows] = [
      await capture.fields(['tcp.port==443,tls'], 'tls.handshake.type == 1', [
        'tcp.srcport',
        'tls.handshake.ja3_full',
        'tls.handshake.ja3',
      ]),
    ]
    const logged = ofType('https', 'tls_client_hello')
    expect(hellos.size).toBe(1)
    expect(logged).toHaveLength(1)
    const [event] = logged
    const [port, ja3Full, ja3Hash] = rows?.[0] ?? []
    expect(event?.src_port).toBe(Number(port))
    expect(event?.fields).toMatchObject({
      ja3: ja3Full,
      ja3_hash: ja3Hash,
      tls_sni: 'files.corp.example',
      tls_alpn: 'h2',
    })
    expect(event?.fields.ja4).toBe(ja4FromDissection(hellos.get(Number(port)) ?? {}))
  })

  it('OpenSSH’s KEXINIT: HASSH and client version as tshark dissects them, stamped on the auth attempt', async () => {
    const [row] = await capture.fields(['tcp.port==22,ssh'], 'ssh.message_code == 20 && tcp.dstport == 22', [
      'ssh.kex.hassh',
      'ssh.kex.hassh_algorithms',
    ])
    const [ident] = await capture.fields(['tcp.port==22,ssh'], 'ssh.protocol && tcp.dstport == 22', [
      'ssh.protocol',
    ])
    const [kexinit] = ofType('ssh', 'ssh_client_kexinit')
    expect(kexinit?.fields).toEqual({
      client_version: ident?.[0],
      hassh: row?.[0],
      hassh_algorithms: row?.[1],
    })
    const [attempt] = ofType('ssh', 'auth_attempt')
    expect(attempt?.fields.hassh).toBe(row?.[0])
  })

  it('curl’s HTTP request: JA4H recomputed from the dissected request', async () => {
    const [row] = await capture.fields(['tcp.port==80,http'], 'http.request', [
      'http.request.method',
      'http.request.version',
      'http.request.line',
      'http.accept_language',
      'http.cookie',
    ])
    const [request] = ofType('http', 'request')
    expect(request?.fields.ja4h).toBe(ja4hFromDissection(row ?? []))
    expect(String(request?.fields.ja4h).slice(0, 12)).toBe('ge11cn04frfr')
    expect(request?.fields.header_order).toBe('host,user-agent,accept,cookie,accept-language')
  })
})
