// Reads have connections of their own: logs.search, fleet.list and attackers.list answer while this
// handle's writer holds a write transaction open (mid-batch), from the last committed state. Were a
// read queued behind the writer, the reads awaited inside the transaction below could never finish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, openClient } from '../src/client.ts'
import { attackersRepository } from '../src/repos/attackers.ts'
import { fleetRepository } from '../src/repos/fleet.ts'
import { prepareIngest, writeIngest } from '../src/repos/ingest-write.ts'
import { CORE_INTEL_ANALYSER } from '../src/repos/intel-batch.ts'
import { logsRepository } from '../src/repos/logs.ts'
import { databases, decky, event } from './fixtures.ts'

describe.each(databases())('reads while the writer holds a transaction on $kind', (provider) => {
  let conn: Connection
  beforeAll(async () => {
    const { db, url } = await provider.open()
    await db.fleet.commitDeployPlan({ create: [decky('decky-01', '10.0.0.11')] })
    await db.logs.ingest([event({ rawLine: 'committed login', attackerIp: '198.51.100.1' })])
    // The provider closes `db` in cleanup; this test's own handle reaches its repositories directly.
    conn = openClient(url)
  })
  afterAll(async () => {
    await conn.close()
    await provider.cleanup()
  })

  it('logs.search, fleet.list and attackers.list answer from the committed rows meanwhile', async () => {
    const logs = logsRepository(conn)
    const fleet = fleetRepository(conn)
    const attackers = attackersRepository(conn)
    const write = await prepareIngest(
      [event({ rawLine: 'uncommitted login', attackerIp: '198.51.100.2' })],
      conn.dialect,
      CORE_INTEL_ANALYSER,
      new Date(),
    )
    const seenMidWrite = await conn.run(() =>
      conn.transaction(async (sql) => {
        await writeIngest(sql, conn.dialect, write, CORE_INTEL_ANALYSER)
        // The write transaction is open and holds its rows: read through the handle now.
        return Promise.all([logs.search({ q: 'login' }), fleet.list(), attackers.list({ limit: 10 })])
      }),
    )
    const [found, deckies, profiles] = seenMidWrite
    expect(found.rows.map((row) => row.rawLine)).toEqual(['committed login'])
    expect(deckies.map((row) => row.name)).toEqual(['decky-01'])
    expect(profiles.rows.map((row) => row.ip)).toEqual(['198.51.100.1'])
    // Once committed, the same reads see the new rows.
    expect((await logs.search({ q: 'login' })).total).toBe(2)
    expect((await attackers.list({ limit: 10 })).total).toBe(2)
  })
})
