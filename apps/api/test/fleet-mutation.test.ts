import { describe, expect, it } from 'vitest'
import { codeOf } from './support/accounts.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

const refusal = (call: Promise<unknown>) =>
  call.then(
    () => 'accepted',
    (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
  )

// The runner is disabled: these pin down what the API commits and reports, not what Docker does.
describe('fleet.mutatePreview → fleet.mutate({ services }) → fleet.history', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS, viewer: 'viewer1' })
  const { admin, viewer } = api

  it('previews a draw by the mutator rules, commits exactly the confirmed set and records before → after', async () => {
    await admin.fleet.deploy({ ini: '[db-01]\narchetype = database-server\n' })
    const preview = await admin.fleet.mutatePreview({ name: 'db-01' })
    expect(preview).toMatchObject({
      name: 'db-01',
      archetype: 'database-server',
      current: ['mysql', 'postgres', 'redis'],
      pool: ['mysql', 'postgres', 'redis'],
      maxServices: 3,
    })
    expect(new Set(preview.proposed)).not.toEqual(new Set(preview.current))
    expect(preview.proposed.every((slug) => preview.pool.includes(slug))).toBe(true)
    // A preview commits nothing.
    expect((await admin.fleet.get({ name: 'db-01' })).services).toEqual(['mysql', 'postgres', 'redis'])

    const done = await admin.fleet.mutate({
      name: 'db-01',
      services: preview.proposed,
      expectedServices: preview.current,
    })
    expect(done).toMatchObject({ oldServices: preview.current, newServices: preview.proposed })
    expect(done.message).toBe(`db-01 mutating from mysql, postgres, redis to ${preview.proposed.join(', ')}`)
    const decky = await admin.fleet.get({ name: 'db-01' })
    expect(decky.services).toEqual(preview.proposed)
    expect(decky.lastMutatedAt).not.toBeNull()

    // The operator picks instead of taking the draw (order does not matter; pool order is kept).
    const picked = await admin.fleet.mutate({
      name: 'db-01',
      services: ['redis', 'mysql'],
      expectedServices: preview.proposed,
    })
    expect(picked.newServices).toEqual(['mysql', 'redis'])

    // Viewers read the history; newest first, mutations with from → to, who asked.
    const { rows } = await viewer.fleet.history({ name: 'db-01' })
    expect(rows.map((row) => [row.operation, row.status, row.fromServices, row.toServices])).toEqual([
      ['mutate', 'pending', preview.proposed, ['mysql', 'redis']],
      ['mutate', 'pending', ['mysql', 'postgres', 'redis'], preview.proposed],
      ['deploy', 'pending', null, null],
    ])
    expect(rows[0]).toMatchObject({ trigger: 'operator', actor: 'admin', error: null, completedAt: null })
    expect(rows.map((row) => row.id)).toEqual([
      picked.lifecycleIds[0],
      done.lifecycleIds[0],
      expect.any(String),
    ])
    expect((await viewer.fleet.history({ name: 'db-01', limit: 1 })).rows).toHaveLength(1)
  })

  it('a stale preview is refused with CONFLICT and changes nothing', async () => {
    await admin.fleet.deploy({ ini: '[web-07]\narchetype = web-server\n' })
    const seen = await admin.fleet.mutatePreview({ name: 'web-07' })
    // Someone (or the schedule) mutates it meanwhile.
    await admin.fleet.mutate({ name: 'web-07', services: ['ftp'] })
    const stale = await refusal(
      admin.fleet.mutate({ name: 'web-07', services: ['http'], expectedServices: seen.current }),
    )
    expect(stale).toBe(
      'CONFLICT: decky "web-07" runs ftp now, not the http, ftp the mutation was confirmed from',
    )
    expect((await admin.fleet.get({ name: 'web-07' })).services).toEqual(['ftp'])
    expect((await admin.fleet.history({ name: 'web-07' })).rows.map((row) => row.operation)).toEqual([
      'mutate',
      'deploy',
    ])
  })

  it('refuses services outside the catalogue or the persona pool, an unknown decky, and viewers', async () => {
    await admin.fleet.deploy({ ini: '[lin-01]\narchetype = linux-server\n' })
    // Not a catalogue service: refused by the input schema.
    expect(await codeOf(admin.fleet.mutate({ name: 'lin-01', services: ['gopher' as 'ssh'] }))).toBe(
      'BAD_REQUEST',
    )
    // Catalogue services, but not what a linux-server mutation may draw.
    expect(await refusal(admin.fleet.mutate({ name: 'lin-01', services: ['mysql'] }))).toBe(
      'BAD_REQUEST: mysql is not in the pool of the linux-server archetype on linux',
    )
    expect(await codeOf(admin.fleet.mutate({ name: 'lin-01', services: ['rdp'] }))).toBe('BAD_REQUEST')
    expect(await codeOf(admin.fleet.mutate({ name: 'lin-01', services: [] }))).toBe('BAD_REQUEST')
    expect(await codeOf(admin.fleet.mutate({ name: 'lin-01', services: ['ssh', 'ssh'] }))).toBe('BAD_REQUEST')
    expect((await admin.fleet.get({ name: 'lin-01' })).services).toEqual(['ssh', 'http'])

    expect(await refusal(admin.fleet.mutatePreview({ name: 'ghost-01' }))).toBe(
      'NOT_FOUND: no decky named ghost-01',
    )
    expect(await codeOf(admin.fleet.mutate({ name: 'ghost-01', services: ['ssh'] }))).toBe('NOT_FOUND')
    expect(await codeOf(admin.fleet.history({ name: 'ghost-01' }))).toBe('NOT_FOUND')

    expect(await codeOf(viewer.fleet.mutatePreview({ name: 'lin-01' }))).toBe('FORBIDDEN')
    expect(await codeOf(viewer.fleet.mutate({ name: 'lin-01', services: ['ssh'] }))).toBe('FORBIDDEN')
    expect((await admin.fleet.history({ name: 'lin-01' })).rows.map((row) => row.operation)).toEqual([
      'deploy',
    ])
  })
})
