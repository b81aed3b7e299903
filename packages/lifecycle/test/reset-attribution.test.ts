import { connect } from 'node:net'
import { personaForLegacyDecky } from '@decnet/core'
import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { LocalEngine } from '../src/index.ts'
import { IngestPipeline, localEventSink } from '../src/workers-index.ts'
import { enginesClosedAfterEach } from './support/local-engines.ts'

/**
 * Connections reset right after the handshake (scanners: connect then RST) land before the decoy
 * handles the accept, when Node can no longer read the peer. They must still be attributed and stored
 * through the real path: local engine (decoy worker) → ingest pipeline → SQLite.
 */
const provider = sqliteTestDatabase()
let db: DecnetDatabase
const engines = enginesClosedAfterEach()

beforeEach(async () => {
  db = (await provider.open()).db
})
afterAll(() => provider.cleanup())

/** Real RSTs: the client's socket closes with SO_LINGER 0 the moment it is connected. */
function resetRightAway(host: string, port: number, count: number): Promise<number[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<number>((resolve, reject) => {
          const socket = connect({ host, port }, () => {
            const localPort = socket.localPort ?? 0
            socket.resetAndDestroy()
            resolve(localPort)
          })
          socket.on('error', reject)
        }),
    ),
  )
}

describe('connections reset at once', () => {
  it('are attributed to their source address and port and stored', async () => {
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 20 })
    const engine = new LocalEngine({ onEvent: localEventSink(pipeline) })
    engines.push(engine)
    await engine.deploy({
      name: 'rst-target',
      ip: '198.18.0.20',
      mac: '00:1b:21:00:00:02',
      hostname: 'rst-target',
      osFamily: 'linux',
      sysctls: {},
      seed: 'rst',
      persona: personaForLegacyDecky({
        name: 'rst-target',
        osFamily: 'linux',
        services: ['ssh'],
        hostname: 'rst-target',
        mac: '00:1b:21:00:00:02',
      }),
      services: [{ slug: 'ssh', ports: [{ port: 2222, protocol: 'tcp' }], config: {} }],
    })
    const address = engine.addressOf('rst-target') ?? ''
    const sourcePorts = await resetRightAway(address, 2222, 100)

    const deadline = Date.now() + 15_000
    while (pipeline.stats().received < 200 + 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await engine.close()
    await pipeline.close()
    const stats = pipeline.stats()
    // The readiness probe's own connection adds one connect/disconnect pair.
    expect(stats).toMatchObject({ received: 202, stored: 202, malformed: 0 })
    const { rows } = await db.logs.search({ q: 'decky:rst-target event:connect', limit: 500 })
    const attributed = rows.filter((row) => sourcePorts.includes(row.attackerPort ?? -1))
    expect(attributed).toHaveLength(100)
    expect(new Set(attributed.map((row) => row.attackerIp))).toEqual(new Set(['127.0.0.1']))
  }, 60_000)
})
