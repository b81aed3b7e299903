// The worker's cursor never skips a Log row: on PostgreSQL ids are handed out at insert and
// transactions commit in any order, so a row past a missing id waits until the gap is final.
import { logEventFixture, openLogInsert } from '@decnet/db/testing'
import { describe, expect, it } from 'vitest'
import { IncidentWorker } from '../src/index.ts'
import { incidentDatabase } from './support/incident-databases.ts'

const T = new Date(Date.UTC(2026, 11, 3, 10, 0))
const ev = (attackerIp: string, system = false) =>
  logEventFixture({ timestamp: T, eventType: 'connect', rawLine: 'connect', attackerIp, system })

describe('incident worker and Log commit order', () => {
  it('PostgreSQL: a row committed after a later id is not skipped; a rolled-back id is passed once settled', async () => {
    const { db, url } = await incidentDatabase('postgres').open()
    expect(db.dialect).toBe('postgres')
    const worker = new IncidentWorker({ db, batchSize: 100, now: () => T, gapSettleMs: 300 })
    // A slow ingest transaction takes id 1 and has not committed when a fast one commits id 2.
    const slow = await openLogInsert(url, { timestamp: T, attackerIp: '198.51.100.1' })
    try {
      await db.logs.ingest([ev('198.51.100.2')])
      expect(await worker.step()).toMatchObject({ events: 0, cursor: 0 })
      await slow.commit()
      expect(await worker.step()).toMatchObject({ events: 2, cursor: 2 })
      expect((await db.incidents.list()).total).toBe(2)
    } finally {
      await slow.end()
    }

    // A rolled-back transaction leaves a permanent gap (id 3): passed once it has lasted gapSettleMs.
    const rolledBack = await openLogInsert(url, { timestamp: T, attackerIp: '198.51.100.3' })
    try {
      await rolledBack.rollback()
    } finally {
      await rolledBack.end()
    }
    await db.logs.ingest([ev('198.51.100.4')])
    expect(await worker.step()).toMatchObject({ events: 0, cursor: 2 })
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(await worker.step()).toMatchObject({ events: 1, cursor: 4 })
  })

  it('SQLite: system rows move the cursor without becoming incidents, and a gap is final at once', async () => {
    const { db } = await incidentDatabase('sqlite').open()
    expect(db.dialect).toBe('sqlite')
    await db.logs.ingest([ev('127.0.0.1', true), ev('127.0.0.1', true), ev('198.51.100.9')])
    const worker = new IncidentWorker({ db, batchSize: 100, now: () => T })
    expect(await worker.step()).toMatchObject({ read: 3, events: 1, cursor: 3 })
    expect((await db.incidents.list()).rows.map((row) => row.attackerIp)).toEqual(['198.51.100.9'])
  })
})
