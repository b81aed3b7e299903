import { connect, createServer } from 'node:net'
import type { DecoyEvent, RunningEmulator, StartEmulatorOptions } from '@decnet/decoys'
import { describe, expect, it } from 'vitest'
import { LocalEngine, loopbackAddressFor } from '../src/index.ts'
import { readBanner } from './support/banner.ts'
import { deckySpec, enginesClosedAfterEach } from './support/local-engines.ts'

const engines = enginesClosedAfterEach()

/** A tiny emulator honouring the decoys contract: a banner on every port, or nothing when `silent`. */
async function fakeEmulator(slug: string, options: StartEmulatorOptions): Promise<RunningEmulator> {
  if (options.config?.silent) return { ports: options.ports ?? [], close: async () => {} }
  const servers = await Promise.all(
    (options.ports ?? []).map(
      (port) =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer((socket) => {
            socket.on('error', () => {})
            socket.end(
              `${slug} ${options.decky} ${options.hostname} ${String(options.config?.banner ?? '')}\n`,
            )
          })
          server.once('error', reject)
          server.listen(port, options.bindAddress, () => resolve(server))
        }),
    ),
  )
  return {
    ports: options.ports ?? [],
    close: () =>
      Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))).then(() => {}),
  }
}

const service = (slug: string, port: number, config: Record<string, string | boolean> = {}) => ({
  slug,
  ports: [{ port, protocol: 'tcp' as const }],
  config,
})

describe('loopbackAddressFor', () => {
  it('is stable per name, avoids 127.0.x.x, and moves on when taken', () => {
    const address = loopbackAddressFor('web-01')
    expect(address).toBe(loopbackAddressFor('web-01'))
    expect(address).toMatch(/^127\.(?!0\.)\d+\.\d+\.\d+$/)
    expect(loopbackAddressFor('web-02')).not.toBe(address)
    const next = loopbackAddressFor('web-01', new Set([address]))
    expect(next).not.toBe(address)
    expect(next).toMatch(/^127\./)
  })

  it('is stable per scope and name, and differs between scopes', () => {
    const here = loopbackAddressFor('web-01', new Set(), '/var/lib/decnet')
    expect(here).toBe(loopbackAddressFor('web-01', new Set(), '/var/lib/decnet'))
    expect(here).toMatch(/^127\.(?!0\.)\d+\.\d+\.\d+$/)
    expect(loopbackAddressFor('web-01', new Set(), '/srv/decnet-2')).not.toBe(here)
  })
})

describe('two local engines on one machine', () => {
  it('deploy a decky of the same name on the same port side by side when their scopes differ', async () => {
    const first = new LocalEngine({ startService: fakeEmulator, addressScope: '/srv/first' })
    const second = new LocalEngine({ startService: fakeEmulator, addressScope: '/srv/second' })
    engines.push(first, second)
    await first.deploy(deckySpec('twin', [service('ssh', 2222)]))
    await second.deploy(deckySpec('twin', [service('ssh', 2222)]))
    expect(first.addressOf('twin')).not.toBe(second.addressOf('twin'))
    expect(await readBanner(first.addressOf('twin') ?? '', 2222)).toBe('ssh twin twin-host \n')
    expect(await readBanner(second.addressOf('twin') ?? '', 2222)).toBe('ssh twin twin-host \n')
  })
})

describe('LocalEngine with a fake emulator', () => {
  it('deploys deckies on their own loopback addresses, keeps unchanged listeners, mutates and tears down one decky', async () => {
    const engine = new LocalEngine({ startService: fakeEmulator })
    engines.push(engine)
    await engine.deploy(deckySpec('one', [service('ssh', 2222), service('http', 8080)]))
    await engine.deploy(deckySpec('two', [service('ssh', 2222)]))
    const one = engine.addressOf('one') ?? ''
    const two = engine.addressOf('two') ?? ''
    expect(one).not.toBe(two)
    expect(await readBanner(one, 2222)).toBe('ssh one one-host \n')
    expect(await readBanner(two, 2222)).toBe('ssh two two-host \n')

    const unchanged = await engine.deploy(deckySpec('one', [service('ssh', 2222), service('http', 8080)]))
    expect(unchanged).toEqual({ created: [], kept: ['one.ssh', 'one.http'], removed: [], reconfigured: [] })

    const mutated = await engine.mutate(
      deckySpec('one', [service('ssh', 2222, { banner: 'v2' }), service('smtp', 2525)]),
    )
    expect(mutated.created.sort()).toEqual(['one.smtp', 'one.ssh'])
    expect(mutated.removed.sort()).toEqual(['one.http', 'one.ssh'])
    expect(await readBanner(one, 2222)).toBe('ssh one one-host v2\n')
    await expect(readBanner(one, 8080)).rejects.toThrow(/ECONNREFUSED/)

    expect(await engine.observe(['three'])).toEqual([
      { name: 'one', state: 'up', services: { ssh: 'running', smtp: 'running' }, problems: [] },
      { name: 'two', state: 'up', services: { ssh: 'running' }, problems: [] },
      { name: 'three', state: 'missing', services: {}, problems: ['not running'] },
    ])

    await engine.teardown('one')
    await expect(readBanner(one, 2222)).rejects.toThrow(/ECONNREFUSED/)
    expect(await readBanner(two, 2222)).toMatch(/^ssh two/)

    expect((await engine.reapOrphans([])).containersRemoved).toEqual([]) // too young: maybe deploying
    const reaped = await engine.reapOrphans([], { minAgeMs: 0 })
    expect(reaped).toEqual({ containersRemoved: ['two.ssh'], networksRemoved: [], errors: [] })
    await expect(readBanner(two, 2222)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('a decky whose service does not answer fails with the port and the reason', async () => {
    const engine = new LocalEngine({ startService: fakeEmulator, readinessTimeoutMs: 300 })
    engines.push(engine)
    await expect(engine.deploy(deckySpec('mute', [service('ssh', 2222, { silent: true })]))).rejects.toThrow(
      /decky mute started but does not answer: tcp\/2222 on 127\.[\d.]+: ECONNREFUSED/,
    )
  })
})

describe('LocalEngine with the real decoy emulators', () => {
  it('runs the ssh and http emulators of @decnet/decoys and forwards their events', async () => {
    const events: DecoyEvent[] = []
    const engine = new LocalEngine({ onEvent: (event) => events.push(event) })
    engines.push(engine)
    await engine.deploy(deckySpec('real', [service('ssh', 2222), service('http', 8080)]))
    const address = engine.addressOf('real') ?? ''
    const banner = await new Promise<string>((resolve, reject) => {
      const socket = connect(2222, address)
      socket.once('data', (chunk: Buffer) => {
        resolve(chunk.toString('utf8'))
        socket.destroy()
      })
      socket.once('error', reject)
    })
    expect(banner).toMatch(/^SSH-2\.0-/)
    const response = await fetch(`http://${address}:8080/`)
    expect(response.status).toBeGreaterThanOrEqual(200)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(events.some((event) => event.decky === 'real' && event.service === 'http')).toBe(true)
  })
})
