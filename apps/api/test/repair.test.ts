import type { DecnetDatabase } from '@decnet/db'
import { beforeAll, describe, expect, it } from 'vitest'
import { codeOf } from './support/accounts.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

// The workers are disabled: these pin down what the API commits and reports for broken deckies. The
// states are written straight into the database, as the reconciler and the runner would.
describe('repairs and honest health (workers disabled)', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS })
  const admin = api.admin
  let db: DecnetDatabase
  beforeAll(async () => {
    db = api.services.db
    await admin.fleet.deploy({ ini: '[fix-01]\nservices = ssh, http\n[fix-02]\nservices = ssh\n' })
    await db.fleet.setState('fix-01', 'running')
    await db.fleet.setState('fix-02', 'running')
  })

  it('fleet.repair commits a repair row the lifecycle API shows like any operation; unknown deckies are NOT_FOUND', async () => {
    const result = await admin.fleet.repair({ name: 'fix-01' })
    expect(result.message).toBe('fix-01 repair queued')
    const { rows } = await admin.fleet.lifecycle({ ids: [result.lifecycleId] })
    expect(rows.map((row) => [row.deckyName, row.operation, row.status, row.attempt])).toEqual([
      ['fix-01', 'repair', 'pending', 0],
    ])
    // Found from the decky itself too (automatic repairs have no caller holding their id).
    const decky = await admin.fleet.get({ name: 'fix-01' })
    expect(decky.activeOperations).toContainEqual({ id: result.lifecycleId, operation: 'repair' })
    const listed = (await admin.fleet.list()).find((each) => each.name === 'fix-01')
    expect(listed?.activeOperations).toEqual(decky.activeOperations)
    expect(await codeOf(admin.fleet.repair({ name: 'ghost' }))).toBe('NOT_FOUND')
  })

  it('an additive deploy naming a broken decky repairs it instead of refusing the name; a healthy one is still a CONFLICT', async () => {
    await db.fleet.setState('fix-01', 'degraded', 'http container missing')
    const redeploy = await admin.fleet.deploy({ ini: '[fix-01]\nservices = ssh, http\n' })
    expect(redeploy.message).toMatch(/^0 deckies submitted, 1 to repair/)
    const { rows } = await admin.fleet.lifecycle({ ids: redeploy.lifecycleIds })
    expect(rows.map((row) => [row.deckyName, row.operation])).toEqual([['fix-01', 'repair']])
    expect(await codeOf(admin.fleet.deploy({ ini: '[fix-02]\nservices = ssh\n' }))).toBe('CONFLICT')
  })

  it('replaceFleet redeploys a kept decky that is degraded instead of counting it as kept', async () => {
    await db.fleet.setState('fix-02', 'degraded', 'base container not attached to decnet_lan')
    const ini = '[fix-01]\nservices = ssh, http\n[fix-02]\nservices = ssh\n'
    const result = await admin.fleet.deploy({ ini, replaceFleet: true })
    expect(result.message).toMatch(/^2 deckies submitted$/)
    const { rows } = await admin.fleet.lifecycle({ ids: result.lifecycleIds })
    expect(rows.map((row) => [row.deckyName, row.operation]).sort()).toEqual([
      ['fix-01', 'deploy'],
      ['fix-02', 'deploy'],
    ])
  })

  it('health.get is degraded while a decky is degraded or unknown, with counts and names only for signed-in callers', async () => {
    await db.fleet.setState('fix-01', 'running')
    await db.fleet.setState('fix-02', 'unknown', 'engine cannot be asked')
    const anonymous = await api.as().health.get()
    expect(anonymous.status).not.toBe('healthy')
    expect(anonymous.components.deckies).toEqual({
      status: 'degraded',
      detail: 'some deckies are not running',
    })
    const signedIn = await admin.health.get()
    expect(signedIn.components.deckies).toEqual({
      status: 'degraded',
      detail: '1 of 2 deckies not running: fix-02 unknown',
    })
    await db.fleet.setState('fix-02', 'running')
    const repaired = await api.as().health.get()
    expect(repaired.components.deckies).toEqual({ status: 'up', detail: 'deckies running' })
  })
})
