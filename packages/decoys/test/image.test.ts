import { execFileSync } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getService } from '@decnet/core'
import type Docker from 'dockerode'
import { Client } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDecoyImage, dockerClient } from '../image/build.ts'
import { encodeDeckyServices, servicesDigest } from '../src/decky-services.ts'
import type { DecoyEvent } from '../src/emulator.ts'
import { textProtocolLoaders } from '../src/protocols-text/index.ts'
import { tcpAnswers, tcpReady } from './helpers.ts'

/**
 * The registry-free image on the real daemon: every text slug in two decoy processes (all but
 * smtp_relay in one, which shares smtp's port) on a bridge network this test owns, reached from the
 * host at the container IP, events read back from `docker logs`.
 */
const docker = dockerClient()
const RUN = `decnet-decoys-test-${process.pid}`
const LABELS = { 'decnet.test': RUN }
let image = ''
let network: Docker.Network
let gateway = ''
const containers = new Map<string, { container: Docker.Container; ip: string }>()

async function startContainer(
  name: string,
  env: string[],
  options: Partial<Docker.ContainerCreateOptions> = {},
): Promise<{ container: Docker.Container; ip: string }> {
  const container = await docker.createContainer({
    name: `${RUN}-${name}`,
    Image: image,
    Env: env,
    ...options,
    Labels: LABELS,
    StopTimeout: 2,
    HostConfig: { NetworkMode: RUN },
  })
  await container.start()
  const info = await container.inspect()
  return { container, ip: info.NetworkSettings.Networks[RUN]?.IPAddress ?? '' }
}

/** Container stdout, demultiplexed from Docker's 8-byte frame headers, as parsed JSON events. */
async function eventsOf(container: Docker.Container): Promise<DecoyEvent[]> {
  const raw = (await container.logs({ stdout: true, stderr: false, follow: false })) as unknown as Buffer
  let text = ''
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4)
    text += raw.subarray(offset + 8, offset + 8 + size).toString('utf8')
    offset += 8 + size
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DecoyEvent)
}

/** An event of `slug` (its decoy process hosts others too: each event names its service). */
async function waitForEvent(slug: string, predicate: (event: DecoyEvent) => boolean): Promise<DecoyEvent> {
  const entry = containers.get(slug)
  if (!entry) throw new Error(`no container for ${slug}`)
  const ofSlug = async () => (await eventsOf(entry.container)).filter((event) => event.service === slug)
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = (await ofSlug()).find(predicate)
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${slug}: no matching event in ${JSON.stringify(await ofSlug())}`)
}

/** The engine's encoding of `slugs` with their catalogue ports (DECNET_SERVICES, services.json). */
function servicesEnv(slugs: readonly string[]): string {
  return encodeDeckyServices(
    slugs.map((slug) => ({
      slug,
      ports: [...new Set(getService(slug)?.ports.map(({ port }) => port))],
      config: {},
    })),
  )
}

/** A decoy process's environment: the decky and its services. */
function decoyEnv(slugs: readonly string[]): string[] {
  return ['DECNET_DECKY=decky-img', 'DECNET_HOSTNAME=SRV-KILO-31', `DECNET_SERVICES=${servicesEnv(slugs)}`]
}

/** The stderr lines of a container. */
async function stderrOf(container: Docker.Container): Promise<string> {
  return ((await container.logs({ stdout: false, stderr: true })) as unknown as Buffer).toString('utf8')
}

/** Sends lines one by one, waiting for each expected answer; returns everything received. */
async function converse(ip: string, port: number, steps: [string | null, RegExp][]): Promise<string> {
  const socket: Socket = connect({ host: ip, port })
  let received = ''
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1')
  })
  socket.on('error', () => undefined)
  try {
    for (const [line, expected] of steps) {
      if (line !== null) socket.write(line)
      for (let i = 0; i < 100 && !expected.test(received); i++) await new Promise((r) => setTimeout(r, 50))
      expect(received).toMatch(expected)
    }
    return received
  } finally {
    socket.destroy()
  }
}

const PORT: Record<string, number> = {
  ssh: 22,
  telnet: 23,
  http: 80,
  https: 443,
  ftp: 21,
  smtp: 25,
  smtp_relay: 25,
  imap: 143,
  pop3: 110,
  redis: 6379,
  elasticsearch: 9200,
  k8s: 6443,
  docker_api: 2375,
  sip: 5060,
}

/** One interaction per slug that a scanner would make, plus the event it must leave in the log. */
const PROBES: Record<string, (ip: string) => Promise<(event: DecoyEvent) => boolean>> = {
  ssh: async (ip) => {
    await new Promise<void>((resolve) => {
      const client = new Client()
      client.on('error', () => resolve())
      client.once('ready', () => resolve())
      client.connect({ host: ip, port: 22, username: 'root', password: 'toor', readyTimeout: 15_000 })
    })
    return (e) => e.event === 'auth_attempt' && e.fields.password === 'toor'
  },
  telnet: async (ip) => {
    await converse(ip, 23, [
      // A Linux telnetd prompts once the client said something; BusyBox prompts at once.
      ['\r\n', /login: $/],
      ['root\r\n', /Password: $/],
      ['123456\r\n', /Login incorrect/],
    ])
    return (e) => e.event === 'auth_attempt' && e.fields.password === '123456'
  },
  http: async (ip) => {
    const response = await fetch(`http://${ip}/admin`, { headers: { 'User-Agent': 'decnet-image-test' } })
    expect(response.headers.get('server')).toMatch(/^(Apache|nginx)\//)
    return (e) => e.event === 'request' && e.fields.user_agent === 'decnet-image-test'
  },
  https: async (ip) => {
    const { request } = await import('node:https')
    await new Promise<void>((resolve, reject) => {
      request({ host: ip, port: 443, path: '/login', rejectUnauthorized: false }, (res) => {
        res.resume()
        resolve()
      })
        .on('error', reject)
        .end()
    })
    return (e) => e.event === 'request' && e.fields.path === '/login' && e.fields.tls === true
  },
  ftp: async (ip) => {
    await converse(ip, 21, [
      [null, /^220 /],
      ['USER admin\r\n', /331 /],
      ['PASS ftp-secret\r\n', /530 /],
    ])
    return (e) => e.event === 'auth_attempt' && e.fields.password === 'ftp-secret'
  },
  smtp: async (ip) => {
    await converse(ip, 25, [
      [null, /^220 .*ESMTP/],
      // The last line of the EHLO reply, whichever MTA the persona runs.
      ['EHLO x\r\n', /\r\n250 [^\r\n]+\r\n$/],
      [`AUTH PLAIN ${Buffer.from('\0info\0mail-secret').toString('base64')}\r\n`, /535 /],
    ])
    return (e) => e.event === 'auth_attempt' && e.fields.password === 'mail-secret'
  },
  smtp_relay: async (ip) => {
    await converse(ip, 25, [
      [null, /^220 /],
      ['HELO x\r\n', /250 /],
      // Whatever the MTA's words: HELO, MAIL and RCPT each answered 250 (the transcript accumulates).
      ['MAIL FROM:<a@b.c>\r\n', /\r\n250 [^\r\n]*\r\n250 [^\r\n]*\r\n$/],
      ['RCPT TO:<d@e.f>\r\n', /(\r\n250 [^\r\n]*){3}\r\n$/],
    ])
    return (e) => e.event === 'command' && e.fields.verb === 'RCPT'
  },
  imap: async (ip) => {
    await converse(ip, 143, [
      [null, /^\* OK /],
      ['a LOGIN bob imap-secret\r\n', /a OK/],
    ])
    return (e) => e.event === 'auth_attempt' && e.fields.password === 'imap-secret'
  },
  pop3: async (ip) => {
    await converse(ip, 110, [
      [null, /^\+OK /],
      ['USER bob\r\n', /\+OK\r\n/],
      ['PASS pop-secret\r\n', /\+OK (Logged in|User successfully logged on)\./],
    ])
    return (e) => e.event === 'auth_attempt' && e.fields.password === 'pop-secret'
  },
  redis: async (ip) => {
    await converse(ip, 6379, [['*1\r\n$4\r\nPING\r\n', /\+PONG\r\n/]])
    return (e) => e.event === 'command' && e.fields.cmd === 'PING'
  },
  elasticsearch: async (ip) => {
    const body = (await (await fetch(`http://${ip}:9200/`)).json()) as { tagline: string }
    expect(body.tagline).toBe('You Know, for Search')
    return (e) => e.event === 'request' && e.fields.path === '/'
  },
  k8s: async (ip) => {
    // 6443 speaks TLS with the decky's kubeadm certificate; 8080 is the plain port.
    await fetch(`http://${ip}:8080/api/v1/secrets`)
    return (e) => e.event === 'request' && e.fields.resource === 'secrets'
  },
  docker_api: async (ip) => {
    expect(await (await fetch(`http://${ip}:2375/_ping`)).text()).toBe('OK')
    return (e) => e.event === 'request' && e.fields.path === '/_ping'
  },
  sip: async (ip) => {
    const client = createSocket('udp4')
    try {
      const reply = new Promise<string>((resolve) => client.once('message', (m) => resolve(m.toString())))
      client.send(
        'OPTIONS sip:100@x SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:100@x>\r\nCall-ID: img-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
        5060,
        ip,
      )
      expect(await reply).toMatch(/^SIP\/2\.0 200 OK/)
    } finally {
      client.close()
    }
    return (e) => e.event === 'request' && e.fields.call_id === 'img-1'
  },
}

const SLUGS = Object.keys(textProtocolLoaders)

/** `services.json` holding `content`, packed by GNU tar: what the engine writes into the decoy. */
function servicesArchive(content: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-decoys-services-'))
  try {
    writeFileSync(join(dir, 'services.json'), content)
    return execFileSync('tar', ['-c', '-C', dir, 'services.json'])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('decoy image (registry-free) on the real Docker daemon', () => {
  beforeAll(async () => {
    const built = await buildDecoyImage()
    image = built.id
    const created = await docker.createNetwork({
      Name: RUN,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: LABELS,
    })
    network = docker.getNetwork(created.id)
    const inspected = (await network.inspect()) as { IPAM: { Config: { Gateway?: string }[] } }
    gateway = inspected.IPAM.Config[0]?.Gateway ?? ''
    const groups = [SLUGS.filter((slug) => slug !== 'smtp_relay'), ['smtp_relay']]
    for (const [index, slugs] of groups.entries()) {
      const entry = await startContainer(`decoy-${index}`, decoyEnv(slugs))
      for (const slug of slugs) containers.set(slug, entry)
    }
  }, 300_000)

  afterAll(async () => {
    const owned = await docker.listContainers({ all: true, filters: { label: [`decnet.test=${RUN}`] } })
    await Promise.all(owned.map((info) => docker.getContainer(info.Id).remove({ force: true })))
    await network?.remove().catch(() => undefined)
  }, 120_000)

  it('covers every text slug', () => {
    expect(Object.keys(PROBES).sort()).toEqual([...SLUGS].sort())
  })

  for (const slug of SLUGS) {
    it(`${slug}: answers at the container IP and logs JSON events with the real source address`, async () => {
      const entry = containers.get(slug)
      expect(entry?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
      const ip = entry?.ip ?? ''
      await tcpReady(ip, PORT[slug] ?? 0)
      const probe = PROBES[slug]
      if (!probe) throw new Error(`no probe for ${slug}`)
      const predicate = await probe(ip)
      const event = await waitForEvent(slug, predicate)
      expect(event).toMatchObject({ decky: 'decky-img', service: slug, src_ip: gateway })
      expect(Number.isNaN(Date.parse(event.ts))).toBe(false)
    }, 60_000)
  }

  it('attributes connections reset at once (SO_PEERNAME through the bundled koffi addon)', async () => {
    const entry = containers.get('ssh')
    const ip = entry?.ip ?? ''
    await tcpReady(ip, PORT.ssh ?? 0)
    const sourcePorts = await Promise.all(
      Array.from(
        { length: 40 },
        () =>
          new Promise<number>((resolve, reject) => {
            const socket = connect({ host: ip, port: PORT.ssh ?? 0 }, () => {
              const local = socket.localPort ?? 0
              socket.resetAndDestroy()
              resolve(local)
            })
            socket.on('error', reject)
          }),
      ),
    )
    for (const port of sourcePorts) {
      await waitForEvent('ssh', (e) => e.event === 'disconnect' && e.src_port === port)
    }
    const events = await eventsOf(entry?.container as Docker.Container)
    const resets = events.filter((e) => sourcePorts.includes(e.src_port))
    expect(resets).toHaveLength(80)
    expect(new Set(resets.map((e) => e.src_ip))).toEqual(new Set([gateway]))
    expect(events.filter((e) => e.src_ip === 'unknown')).toEqual([])
  }, 60_000)

  it('runs the pause process, which announces the MAC to the gateway and stops promptly on SIGTERM', async () => {
    const { container } = await startContainer('pause', [], { Entrypoint: ['/opt/decnet/pause'], Cmd: [] })
    // Its signal handlers are installed once it says so (PID 1 ignores unhandled signals).
    for (let i = 0; i < 100 && !(await stderrOf(container)).includes('decnet-pause: ready'); i++)
      await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await stderrOf(container)).toContain(`decnet-pause: ready (announced to ${gateway})\n`)
    expect((await container.inspect()).State.Running).toBe(true)
    const started = Date.now()
    await container.stop({ t: 10 })
    expect(Date.now() - started).toBeLessThan(3000)
    expect((await container.inspect()).State.ExitCode).toBe(0)
  }, 60_000)

  it('takes an edited service set live on SIGHUP (adds, removes, acknowledges its digest; bad JSON keeps the running set)', async () => {
    const { container, ip } = await startContainer('live', decoyEnv(['redis', 'ftp']), {
      Volumes: { '/run/decnet': {} },
    })
    await tcpReady(ip, 6379)
    await tcpReady(ip, 21)
    const redis = connect({ host: ip, port: 6379 })
    redis.on('error', () => undefined)
    const pong = () =>
      new Promise<string>((resolve) => {
        redis.once('data', (chunk: Buffer) => resolve(chunk.toString()))
        redis.write('*1\r\n$4\r\nPING\r\n')
      })
    expect(await pong()).toBe('+PONG\r\n')

    // ftp goes, http comes: the acknowledgement names the digest of exactly what the engine wrote.
    const edited = servicesEnv(['redis', 'http'])
    const applied = `applied ${servicesDigest(edited)}: redis on 6379; http on 80\n`
    const appliedTimes = async () => (await stderrOf(container)).split(applied).length - 1
    await container.putArchive(servicesArchive(edited), { path: '/run/decnet' })
    await container.kill({ signal: 'SIGHUP' })
    await expect.poll(appliedTimes, { timeout: 10_000 }).toBe(1)
    expect((await fetch(`http://${ip}/`)).status).toBeGreaterThanOrEqual(200)
    await expect(tcpAnswers(ip, 21)).resolves.toBe(false)
    // The kept service's session was never interrupted.
    expect(await pong()).toBe('+PONG\r\n')
    redis.destroy()

    // The decoy restarted (a crash, a daemon restart) keeps the edited set: the file wins over the env.
    await container.restart({ t: 1 })
    await expect.poll(appliedTimes, { timeout: 10_000 }).toBe(2)
    await tcpReady(ip, 80)
    await expect(tcpAnswers(ip, 21)).resolves.toBe(false)

    // A file the decoy cannot read as a service set: refused with the reason, the running set kept.
    await container.putArchive(servicesArchive('[{"slug":'), { path: '/run/decnet' })
    await container.kill({ signal: 'SIGHUP' })
    await expect
      .poll(async () => await stderrOf(container), { timeout: 10_000 })
      .toContain('decnet-decoy: reload refused: /run/decnet/services.json is not valid JSON')
    expect((await container.inspect()).State.Running).toBe(true)
    expect((await fetch(`http://${ip}/`)).status).toBeGreaterThanOrEqual(200)
    await tcpReady(ip, 6379)
  }, 90_000)

  it('exits non-zero with a clear message for an unknown slug', async () => {
    const { container } = await startContainer('unknown', [
      'DECNET_DECKY=d',
      'DECNET_SERVICES=[{"slug":"gopher","ports":[70],"config":{}}]',
    ])
    const result = (await container.wait()) as { StatusCode: number }
    expect(result.StatusCode).toBe(2)
    const logs = ((await container.logs({ stdout: false, stderr: true })) as unknown as Buffer).toString(
      'utf8',
    )
    expect(logs).toContain("Unknown service 'gopher'. Available: ")
  }, 60_000)
})
