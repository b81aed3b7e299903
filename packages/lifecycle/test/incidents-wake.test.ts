// A wake that arrives while a drain runs is not lost: the rows it announces may have committed after
// that drain's last look, and waiting for the next poll delayed alerts by up to a poll interval.
import type { DecnetDatabase } from '@decnet/db'
import { afterEach, describe, expect, it } from 'vitest'
import { IncidentWorker } from '../src/index.ts'
import { incidentDatabases } from './support/incident-databases.ts'

const [sqlite] = incidentDatabases()

describe('incident worker wake', () => {
  let worker: IncidentWorker | undefined
  afterEach(async () => {
    await worker?.stop()
  })

  it('a wake during a drain runs another drain at once, not after the poll interval', async () => {
    const { db } = await (sqlite as NonNullable<typeof sqlite>).open()
    let releaseLook: (() => void) | undefined
    let looks = 0
    // The first look at the queue hangs until released and then reports nothing to do, as a look
    // taken just before new rows committed would.
    const incidents = new Proxy(db.incidents, {
      get(target, key, receiver) {
        if (key === 'hasWork') {
          return async (...args: Parameters<DecnetDatabase['incidents']['hasWork']>) => {
            looks++
            if (looks === 1) {
              await new Promise<void>((resolve) => {
                releaseLook = resolve
              })
              return false
            }
            return target.hasWork(...args)
          }
        }
        return Reflect.get(target, key, receiver)
      },
    })
    const slowLookDb = new Proxy(db, {
      get: (target, key, receiver) => (key === 'incidents' ? incidents : Reflect.get(target, key, receiver)),
    })
    worker = new IncidentWorker({ db: slowLookDb, pollMs: 600_000 })
    worker.start()
    while (!releaseLook) await new Promise((resolve) => setTimeout(resolve, 10))
    await db.logs.ingest([
      {
        timestamp: new Date(),
        decky: 'decky-01',
        service: 'ssh',
        eventType: 'auth_attempt',
        attackerIp: '198.51.100.9',
        attackerPort: 50000,
        rawLine: 'auth_attempt',
        fields: { username: 'root', password: 'x', success: false },
      },
    ])
    worker.wake()
    releaseLook()
    const deadline = Date.now() + 20_000
    while ((await db.incidents.list()).total === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect((await db.incidents.list()).total).toBe(1)
    expect(looks).toBeGreaterThanOrEqual(2)
  })
})
