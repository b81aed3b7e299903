// One process for all of a decky's services (the decoy container's DeckyDecoy): live edits keep the
// unchanged services and their sessions, and a fault is pinned on the service it happened in.
import { afterEach, describe, expect, it } from 'vitest'
import { DeckyDecoy } from '../src/decky-decoy.ts'
import type { DeckyService } from '../src/decky-services.ts'
import type { ConnectionLimits } from '../src/emulator.ts'
import { createEmitter } from '../src/framework/events.ts'
import { currentService, inServiceScope } from '../src/framework/service-scope.ts'
import { listenTcp } from '../src/framework/tcp.ts'
import { eventLog, loopbackHost, rawClient } from './helpers.ts'
import { personaForTest } from './persona.ts'

const service = (slug: string, config: DeckyService['config'] = {}): DeckyService => ({
  slug,
  ports: [0],
  config,
})

let decoy: DeckyDecoy | undefined
afterEach(async () => {
  await decoy?.close()
  decoy = undefined
})

/** An FTP session past its greeting. */
async function ftpSession(host: string, port: number) {
  const ftp = await rawClient(host, port)
  await ftp.expect(/(^|\n)220 /)
  return ftp
}

/** The session is still served (a USER command answered), then closed. */
async function stillServed(ftp: Awaited<ReturnType<typeof ftpSession>>) {
  ftp.send('USER root\r\n')
  await ftp.expect(/(^|\n)331 /)
  ftp.close()
}

function newDecoy(limits?: ConnectionLimits) {
  const log = eventLog()
  const host = loopbackHost()
  decoy = new DeckyDecoy({
    decky: 'd1',
    bindAddress: host,
    persona: personaForTest('d1'),
    onEvent: log.sink,
    ...(limits ? { limits } : {}),
  })
  const portOf = (slug: string) => decoy?.listening.find((entry) => entry.slug === slug)?.ports[0] ?? 0
  return { decoy, log, host, portOf }
}

describe('DeckyDecoy', () => {
  it('runs every service in one process; an edit keeps the unchanged ones and their open sessions', async () => {
    const { decoy, log, host, portOf } = newDecoy()
    expect(await decoy.apply([service('ftp'), service('redis')])).toEqual([])
    expect(decoy.listening.map((entry) => entry.slug)).toEqual(['ftp', 'redis'])
    const ftpPort = portOf('ftp')
    const redisPort = portOf('redis')
    const ftp = await ftpSession(host, ftpPort)

    // redis goes, http comes, ftp's session is untouched and still served.
    expect(await decoy.apply([service('ftp'), service('http')])).toEqual([])
    expect(decoy.listening.map((entry) => entry.slug)).toEqual(['ftp', 'http'])
    expect(portOf('ftp')).toBe(ftpPort)
    await stillServed(ftp)
    await expect(rawClient(host, redisPort)).rejects.toThrow(/ECONNREFUSED/)
    const page = await fetch(`http://${host}:${portOf('http')}/`)
    expect(page.status).toBeGreaterThanOrEqual(200)

    // Each event names the service it came from.
    await log.waitFor((event) => event.service === 'http' && event.event === 'request')
    expect(new Set(log.events.map((event) => event.service))).toEqual(new Set(['ftp', 'http']))
  })

  it('restarts a service whose config changed, and reports one that cannot start without stopping the rest', async () => {
    const { decoy, host, portOf } = newDecoy()
    await decoy.apply([service('ftp'), service('http')])
    const ftp = await ftpSession(host, portOf('ftp'))
    const failures = await decoy.apply([
      service('ftp'),
      service('http', { server_header: 'nginx/1.22.1' }),
      service('gopher'),
    ])
    expect(failures).toEqual([expect.stringMatching(/^gopher: Unknown service 'gopher'\. Available: /)])
    expect(decoy.listening.map((entry) => entry.slug)).toEqual(['ftp', 'http'])
    expect((await fetch(`http://${host}:${portOf('http')}/`)).headers.get('server')).toMatch(/^nginx/)
    await stillServed(ftp)
  })

  it("each service's events carry its own name and port, its refusals at the connection cap included", async () => {
    const { decoy, log, host, portOf } = newDecoy({ maxConnections: 1 })
    await decoy.apply([service('ftp'), service('redis'), service('http')])
    const clients = new Map<string, Awaited<ReturnType<typeof rawClient>>>()
    for (const slug of ['ftp', 'redis', 'http']) {
      const client = await rawClient(host, portOf(slug))
      clients.set(slug, client)
      const connected = await log.waitFor(
        (event) => event.event === 'connect' && event.src_port === client.socket.localPort,
      )
      expect(connected).toMatchObject({ decky: 'd1', service: slug, fields: { local_port: portOf(slug) } })
    }
    // redis is at its cap (one held connection): the one refused is redis's, and only redis's.
    const refused = await rawClient(host, portOf('redis'))
    const refusedPort = refused.socket.localPort
    await refused.closed
    const limit = await log.waitFor((event) => event.event === 'limit_reached')
    expect(limit).toMatchObject({
      service: 'redis',
      src_port: refusedPort,
      fields: { refused: 1 },
    })
    const ftp = clients.get('ftp')
    if (ftp) await stillServed(ftp)
    for (const client of clients.values()) client.close()
    await log.waitFor((event) => event.event === 'disconnect' && event.service === 'http')
    expect(log.events.filter((event) => event.event === 'limit_reached')).toHaveLength(1)
  })

  it('a fault in a service restarts that service alone; a fault of no service is fatal', async () => {
    const { decoy, host, portOf } = newDecoy()
    await decoy.apply([service('ftp'), service('redis')])
    const ftp = await ftpSession(host, portOf('ftp'))
    const redis = await rawClient(host, portOf('redis'))
    const said: string[] = []
    const say = (line: string) => said.push(line)
    // As the process's uncaughtException handler sees it: in the scope of the code that threw.
    expect(inServiceScope('redis', () => decoy.fault(new Error('unforeseen'), say))).toBe('restarting')
    await redis.closed
    await expect.poll(() => decoy.listening.map((entry) => entry.slug).sort()).toEqual(['ftp', 'redis'])
    expect(said).toEqual([expect.stringMatching(/^fault in redis: Error: unforeseen\n/)])
    expect(decoy.fault(new Error('nowhere'), say)).toBe('fatal')
    expect(said[1]).toMatch(/^fault in the decoy process: Error: nowhere/)
    await stillServed(ftp)
  })

  it('restart(slug) ends that service and its sessions only', async () => {
    const { decoy, host, portOf } = newDecoy()
    await decoy.apply([service('ftp'), service('redis')])
    const ftp = await ftpSession(host, portOf('ftp'))
    const redis = await rawClient(host, portOf('redis'))
    expect(await decoy.restart('redis')).toBeUndefined()
    await redis.closed
    const again = await rawClient(host, portOf('redis'))
    again.send('*1\r\n$4\r\nPING\r\n')
    await again.expect(/\+PONG/)
    again.close()
    await stillServed(ftp)
  })
})

describe('service scope', () => {
  it("a throw in any of a connection's listeners ends that connection only; later callbacks know their service", async () => {
    const log = eventLog()
    const host = loopbackHost()
    const seen: (string | undefined)[] = []
    const listener = await inServiceScope('svc', () =>
      listenTcp({
        ctx: {
          decky: 'd1',
          service: 'svc',
          bindAddress: host,
          ports: [0],
          config: {},
          persona: personaForTest('d1'),
          seed: 's',
          hostname: 'h',
          emit: createEmitter('d1', 'svc', log.sink),
        },
        port: 0,
        handle: (session) => {
          // As a protocol library does (ssh2 reads the socket itself): a listener of our own.
          session.socket.on('data', (chunk: Buffer) => {
            setTimeout(() => seen.push(currentService()), 1)
            if (chunk.includes('boom')) throw new Error('unforeseen input')
            session.write('ok\n')
          })
          return undefined
        },
      }),
    )
    try {
      const victim = await rawClient(host, listener.port)
      victim.send('boom')
      await victim.closed
      const next = await rawClient(host, listener.port)
      next.send('hello')
      await next.expect(/^ok\n$/)
      next.close()
      await expect.poll(() => seen).toEqual(['svc', 'svc'])
      expect(currentService()).toBeUndefined()
    } finally {
      await listener.close()
    }
  })
})
