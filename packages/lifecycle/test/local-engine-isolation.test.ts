import { connect } from 'node:net'
import { pathToFileURL } from 'node:url'
import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import type { DecoyEvent } from '@decnet/decoys'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { type DecoyFault, LocalEngine } from '../src/index.ts'
import { IngestPipeline, localEventSink } from '../src/workers-index.ts'
import { deckySpec, enginesClosedAfterEach } from './support/local-engines.ts'

/** Retries `probe` every 100 ms until it stops throwing (vitest's waitFor). */
const waitUntil = <T>(probe: () => T | Promise<T>, timeout = 15_000) =>
  vi.waitFor(probe, { timeout, interval: 100 })

/**
 * The local engine runs its decoys in a supervised worker thread: a fault an emulator did not catch
 * ends the worker, never this process (which stands in for the API: an escaped fault would fail the
 * vitest run as an unhandled error), and the decky answers again after a bounded, backed-off restart.
 */
const FAULTY = pathToFileURL(new URL('./support/faulty-emulator.ts', import.meta.url).pathname).href

const engines = enginesClosedAfterEach()
const provider = sqliteTestDatabase()
afterAll(() => provider.cleanup())

const service = (slug: string, port: number) => ({
  slug,
  ports: [{ port, protocol: 'tcp' as const }],
  config: {},
})

/** Connects, reads the first line, optionally sends one; rejects on refusal or silence. */
function exchange(host: string, port: number, send?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error('no answer'))
    }, 3000)
    socket.once('data', (chunk: Buffer) => {
      clearTimeout(timer)
      if (send) socket.write(`${send}\n`)
      setTimeout(() => socket.destroy(), 20)
      resolve(chunk.toString('utf8'))
    })
    socket.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

function isolatedEngine(options: { maxRestarts?: number; maxHeapMb?: number } = {}) {
  const faults: DecoyFault[] = []
  const events: DecoyEvent[] = []
  const engine = new LocalEngine({
    onEvent: (event) => events.push(event),
    decoyHost: {
      extraEmulators: { faulty: FAULTY },
      initialDelayMs: 50,
      onFault: (fault) => faults.push(fault),
      ...options,
    },
  })
  engines.push(engine)
  return { engine, faults, events }
}

describe('LocalEngine decoy isolation', () => {
  it.each([
    ['an unhandled rejection', 'reject', /injected unhandled rejection/],
    ['an uncaught exception', 'throw', /injected uncaught exception/],
  ])(
    'survives %s in an emulator; the decky answers again after a restart',
    async (_name, fault, reason) => {
      const { engine, faults, events } = isolatedEngine()
      await engine.deploy(deckySpec('shaky', [service('faulty', 2323), service('http', 8080)]))
      const address = engine.addressOf('shaky') ?? ''
      expect(await exchange(address, 2323, fault)).toBe('ok shaky\n')

      await waitUntil(async () => expect(faults).toHaveLength(1))
      expect(faults[0]).toMatchObject({ kind: 'restarting', restarts: 1, deckies: ['shaky'] })
      expect(faults[0]?.reason).toMatch(reason)
      // Both services come back on the same address and ports, and events flow again.
      expect(await waitUntil(() => exchange(address, 2323))).toBe('ok shaky\n')
      const response = await waitUntil(() => fetch(`http://${address}:8080/`))
      expect(response.status).toBe(200)
      await waitUntil(async () =>
        expect(events.filter((e) => e.service === 'http' && e.event === 'request')).toHaveLength(1),
      )
      const [observed] = await engine.observe(['shaky'])
      expect(observed).toMatchObject({ name: 'shaky', state: 'up', problems: [] })
    },
    60_000,
  )

  it('gives up after maxRestarts within the window and reports the decky degraded', async () => {
    const { engine, faults } = isolatedEngine({ maxRestarts: 2 })
    await engine.deploy(deckySpec('loop', [service('faulty', 2323)]))
    const address = engine.addressOf('loop') ?? ''
    for (let crash = 1; crash <= 3; crash++) {
      await waitUntil(() => exchange(address, 2323, 'throw'))
      await waitUntil(async () => expect(faults).toHaveLength(crash))
    }
    expect(faults.map((fault) => [fault.kind, fault.restarts, fault.delayMs])).toEqual([
      ['restarting', 1, 50],
      ['restarting', 2, 100],
      ['gave_up', 3, undefined],
    ])
    const [observed] = await engine.observe(['loop'])
    expect(observed?.state).toBe('degraded')
    expect(observed?.problems[0]).toMatch(/failed 3 times .*injected uncaught exception/)
    await expect(exchange(address, 2323)).rejects.toThrow(/ECONNREFUSED/)
    // Teardown still works on a given-up host.
    await engine.teardown('loop')
    expect(await engine.observe()).toEqual([])
  }, 60_000)

  it('a decoy that leaks memory hits the worker heap cap and is restarted', async () => {
    const { engine, faults } = isolatedEngine({ maxHeapMb: 48 })
    await engine.deploy(deckySpec('leaky', [service('faulty', 2323)]))
    const address = engine.addressOf('leaky') ?? ''
    const rssBefore = process.memoryUsage().rss
    await exchange(address, 2323, 'leak')
    await waitUntil(async () => expect(faults).toHaveLength(1), 30_000)
    expect(faults[0]?.reason).toMatch(/memory/i)
    expect(await waitUntil(() => exchange(address, 2323))).toBe('ok leaky\n')
    // The leak died with its worker: this process did not grow by anything like the heap it took.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024)
  }, 60_000)

  it('stores an oversized event of a worker decoy cut by the same rule as a container line', async () => {
    const db: DecnetDatabase = (await provider.open()).db
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 20 })
    const engine = new LocalEngine({
      onEvent: localEventSink(pipeline),
      decoyHost: { extraEmulators: { faulty: FAULTY } },
    })
    engines.push(engine)
    await engine.deploy(deckySpec('bulky', [service('faulty', 2323)]))
    await exchange(engine.addressOf('bulky') ?? '', 2323, 'big')
    await waitUntil(async () =>
      expect((await db.logs.search({ q: 'decky:bulky event:request' })).rows).toHaveLength(1),
    )
    await pipeline.close()
    expect(pipeline.stats().malformed).toBe(0)
    const [row] = (await db.logs.search({ q: 'decky:bulky event:request' })).rows
    expect(row?.fields).toMatchObject({ path: '/big', truncated: true })
    expect(String(row?.fields.body).length).toBeGreaterThan(4000)
    expect(Buffer.byteLength(row?.rawLine ?? '')).toBeLessThanOrEqual(16 * 1024)
  }, 60_000)
})
