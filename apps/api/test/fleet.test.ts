import { describe, expect, it } from 'vitest'
import { codeOf } from './support/accounts.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

// The runner is disabled here: these tests pin down what the API commits, not what Docker does.
describe('fleet.* commits desired state (runner disabled)', () => {
  const { admin } = inProcessApiOfSuite({ env: NO_WORKERS })

  it('deploys additively: a second INI adds its decky and leaves the first untouched', async () => {
    const first = await admin.fleet.deploy({ ini: '[web-01]\nservices = ssh, http\n' })
    expect(first.mode).toBe('unihost')
    expect(first.lifecycleIds).toHaveLength(1)
    const before = await admin.fleet.get({ name: 'web-01' })

    const second = await admin.fleet.deploy({ ini: '[win-01]\narchetype = windows-workstation\n' })
    expect(second.lifecycleIds).toHaveLength(1)
    expect(second.lifecycleIds[0]).not.toBe(first.lifecycleIds[0])

    const fleet = await admin.fleet.list()
    expect(fleet.map((decky) => decky.name)).toEqual(['web-01', 'win-01'])
    const after = fleet.find((decky) => decky.name === 'web-01')!
    expect(after).toMatchObject({
      ip: before.ip,
      mac: before.mac,
      hostname: before.hostname,
      services: ['ssh', 'http'],
    })
    const win = fleet.find((decky) => decky.name === 'win-01')!
    expect(win.ip).not.toBe(before.ip)
    expect(win.services).toEqual(['smb', 'rdp'])
    expect(win.mac).not.toMatch(/^02:42:/)

    // Lifecycle ids cover exactly the deckies each call submitted.
    const { rows } = await admin.fleet.lifecycle({
      ids: [...first.lifecycleIds, ...second.lifecycleIds, 'no-such-id'],
    })
    expect(rows.map((row) => [row.deckyName, row.operation, row.status])).toEqual([
      ['web-01', 'deploy', 'pending'],
      ['win-01', 'deploy', 'pending'],
    ])
  })

  it('refuses a name collision and an IP collision with CONFLICT, writing nothing', async () => {
    const fleetBefore = await admin.fleet.list()
    const taken = fleetBefore[0]!
    const byName = await admin.fleet
      .deploy({ ini: '[web-01]\nservices = ssh\n' })
      .catch((error: Error) => error)
    expect(byName).toMatchObject({ code: 'CONFLICT' })
    expect((byName as Error).message).toContain('web-01')

    const byIp = await admin.fleet
      .deploy({ ini: `[fresh-01]\nservices = ssh\nip = ${taken.ip}\n` })
      .catch((error: Error) => error)
    expect(byIp).toMatchObject({ code: 'CONFLICT' })
    expect((byIp as Error).message).toContain(taken.ip)

    expect(await admin.fleet.list()).toEqual(fleetBefore)
  })

  it('previews a deploy without writing anything, with the error deploy would give', async () => {
    const preview = await admin.fleet.preview({ ini: '[db]\namount = 2\nservices = mysql\n' })
    expect(preview.create.map((decky) => decky.name)).toEqual(['db-01', 'db-02'])
    expect(preview.keep).toEqual(['web-01', 'win-01'])
    expect(preview.remove).toEqual([])
    expect((await admin.fleet.list()).map((decky) => decky.name)).toEqual(['web-01', 'win-01'])
    expect(await codeOf(admin.fleet.preview({ ini: '[web-01]\nservices = ssh\n' }))).toBe('CONFLICT')
  })

  it('reports malformed INIs as BAD_REQUEST naming the line', async () => {
    const error = await admin.fleet
      .deploy({ ini: '[ok]\nservices = ssh\n[bad]\nservices = nosuchthing\n' })
      .catch((e: Error) => e)
    expect(error).toMatchObject({ code: 'BAD_REQUEST' })
    expect((error as Error).message).toMatch(/line 4/)
    expect((error as Error).message).toContain('nosuchthing')
  })

  it('replaceFleet makes the INI the whole fleet and queues teardowns for the rest', async () => {
    const result = await admin.fleet.deploy({
      ini: '[web-01]\nservices = ssh, http\n',
      replaceFleet: true,
    })
    expect(result.lifecycleIds).toHaveLength(0)
    expect(result.teardownIds).toHaveLength(1)
    expect((await admin.fleet.list()).map((decky) => decky.name)).toEqual(['web-01'])
    const { rows } = await admin.fleet.lifecycle({ ids: result.teardownIds })
    expect(rows).toMatchObject([{ deckyName: 'win-01', operation: 'teardown', status: 'pending' }])
  })

  it('enforces the deployment limit on the resulting fleet size', async () => {
    await admin.config.setDeploymentLimit({ deploymentLimit: 2 })
    expect((await admin.config.get()).deploymentLimit).toBe(2)
    const error = await admin.fleet
      .deploy({ ini: '[many]\namount = 2\nservices = ssh\n' })
      .catch((e: Error) => e)
    expect(error).toMatchObject({ code: 'CONFLICT' })
    expect((await admin.fleet.list()).map((decky) => decky.name)).toEqual(['web-01'])
    await admin.config.setDeploymentLimit({ deploymentLimit: 50 })
  })

  it('mutates, sets intervals and tears down through lifecycle rows', async () => {
    const mutated = await admin.fleet.mutate({ name: 'web-01' })
    expect(mutated.lifecycleIds).toHaveLength(1)
    const decky = await admin.fleet.get({ name: 'web-01' })
    expect(decky.services).not.toEqual(['ssh', 'http'])
    expect(decky.lastMutatedAt).not.toBeNull()

    await admin.fleet.setMutateInterval({ name: 'web-01', interval: '2h' })
    expect(await admin.fleet.get({ name: 'web-01' })).toMatchObject({
      mutateIntervalMinutes: 120,
      mutateInterval: '2h',
    })
    expect(await codeOf(admin.fleet.setMutateInterval({ name: 'web-01', interval: '0m' }))).toBe(
      'BAD_REQUEST',
    )
    expect(await codeOf(admin.fleet.mutate({ name: 'ghost' }))).toBe('NOT_FOUND')

    const torn = await admin.fleet.teardown({ name: 'web-01' })
    expect(torn.lifecycleIds).toHaveLength(1)
    expect(await admin.fleet.list()).toEqual([])
    expect(await codeOf(admin.fleet.teardown({ name: 'web-01' }))).toBe('NOT_FOUND')
  })

  it('lets exactly one of many concurrent colliding deploys win', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () =>
        codeOf(admin.fleet.deploy({ ini: '[race]\nservices = ssh\nip = 172.31.77.200\n' })),
      ),
    )
    expect(attempts.filter((code) => code === 'OK')).toHaveLength(1)
    expect(attempts.filter((code) => code === 'CONFLICT')).toHaveLength(19)
    expect((await admin.fleet.list()).map((decky) => decky.name)).toEqual(['race'])
  })
})
