// Deckies removed while their host does not answer, and the audit record of what the system did.
import { describe, expect, it } from 'vitest'
import { ConflictError } from '../src/errors.ts'
import { databases, decky, freshDatabaseEachTest } from './fixtures.ts'

const network = { driver: 'bridge' as const, subnet: '10.9.0.0/24', gateway: '10.9.0.1' }

describe.each(databases())('pending removal and audit on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  async function unreachableHost() {
    const host = await fresh.db.hosts.create({
      name: 'edge',
      dockerUrl: 'tcp://10.2.0.5:2376',
      tls: null,
      network,
    })
    await fresh.db.hosts.setStatus(host.id, 'unreachable')
    return host.id
  }

  it('a teardown on an unreachable host keeps the row as pending_removal, holding its name and IP', async () => {
    const hostId = await unreachableHost()
    await fresh.db.fleet.commitDeployPlan({
      create: [decky('far', '10.9.0.10', { hostId }), decky('near', '10.0.0.10')],
    })
    const { lifecycleIds } = await fresh.db.fleet.commitDeployPlan({ remove: ['far', 'near'] })
    const rows = await fresh.db.lifecycle.get(lifecycleIds)
    expect(rows.map((row) => [row.deckyName, row.operation])).toEqual([
      ['far', 'teardown'],
      ['near', 'teardown'],
    ])
    expect((await fresh.db.fleet.list()).map((d) => [d.name, d.state])).toEqual([['far', 'pending_removal']])
    await expect(
      fresh.db.fleet.commitDeployPlan({ create: [decky('again', '10.9.0.10', { hostId })] }),
    ).rejects.toBeInstanceOf(ConflictError)
    // Until its containers are gone: then the row goes and both are free.
    expect(await fresh.db.fleet.deletePendingRemoval('far', 'local')).toBe(false)
    expect(await fresh.db.fleet.deletePendingRemoval('far', hostId)).toBe(true)
    await fresh.db.fleet.commitDeployPlan({ create: [decky('far', '10.9.0.10', { hostId })] })
    // A running decky is never deleted as if it were pending removal.
    expect(await fresh.db.fleet.deletePendingRemoval('far', hostId)).toBe(false)
  })

  it('forget removes at once even on an unreachable host', async () => {
    const hostId = await unreachableHost()
    await fresh.db.fleet.commitDeployPlan({ create: [decky('far', '10.9.0.10', { hostId })] })
    const [row] = await fresh.db.lifecycle.get(
      (await fresh.db.fleet.commitDeployPlan({ forget: ['far'] })).lifecycleIds,
    )
    expect(await fresh.db.fleet.list()).toEqual([])
    // Its host's supervisor failing the teardown row does not put a forgotten decky back.
    expect(await fresh.db.fleet.restorePendingRemoval('far', hostId, row?.payload ?? {})).toBe(false)
    expect(await fresh.db.fleet.list()).toEqual([])
  })

  it('a teardown its host never finished puts the decky back as pending_removal, unless taken meanwhile', async () => {
    await fresh.db.fleet.commitDeployPlan({
      create: [decky('gone', '10.0.0.10'), decky('other', '10.0.0.11')],
    })
    const [first, second] = await fresh.db.lifecycle.get(
      (await fresh.db.fleet.commitDeployPlan({ remove: ['gone', 'other'] })).lifecycleIds,
    )
    expect(await fresh.db.fleet.list()).toEqual([])
    await fresh.db.fleet.commitDeployPlan({ create: [decky('new', '10.0.0.11')] })
    expect(await fresh.db.fleet.restorePendingRemoval('gone', 'local', first?.payload ?? {})).toBe(true)
    expect(await fresh.db.fleet.restorePendingRemoval('other', 'local', second?.payload ?? {})).toBe(false)
    expect(await fresh.db.fleet.restorePendingRemoval('gone', 'local', first?.payload ?? {})).toBe(false)
    const restored = await fresh.db.fleet.get('gone')
    expect(restored).toMatchObject({ ip: '10.0.0.10', state: 'pending_removal', services: ['ssh', 'http'] })
  })

  it('redeployHost queues a deploy for the host deckies in the given states only', async () => {
    const hostId = await unreachableHost()
    await fresh.db.fleet.commitDeployPlan({
      create: [
        decky('a', '10.9.0.10', { hostId }),
        decky('b', '10.9.0.11', { hostId }),
        decky('c', '10.0.0.9'),
      ],
    })
    await fresh.db.fleet.setState('a', 'failed', 'host stopped answering')
    await fresh.db.fleet.setState('b', 'running')
    await fresh.db.fleet.setState('c', 'failed', 'x')
    const ids = await fresh.db.fleet.redeployHost(hostId, ['failed'])
    const rows = await fresh.db.lifecycle.get(ids)
    expect(rows.map((row) => [row.deckyName, row.operation, row.hostId])).toEqual([['a', 'deploy', hostId]])
    expect((await fresh.db.fleet.list()).map((d) => [d.name, d.state, d.lastError])).toEqual([
      ['a', 'pending', null],
      ['b', 'running', null],
      ['c', 'failed', 'x'],
    ])
    expect(await fresh.db.fleet.redeployHost(hostId, ['missing'])).toEqual([])
  })

  it('appends audit entries and lists them newest first, by target and action', async () => {
    await fresh.db.audit.append({
      actor: 'system',
      action: 'host.orphans_swept',
      target: 'h1',
      detail: { n: 1 },
    })
    await fresh.db.audit.append({
      actor: 'admin',
      action: 'host.decommissioned',
      target: 'h1',
      detail: { left: ['x'] },
    })
    await fresh.db.audit.append({ actor: 'system', action: 'host.orphans_swept', target: 'h2' })
    const forH1 = await fresh.db.audit.list({ target: 'h1' })
    expect(forH1.map((entry) => [entry.actor, entry.action, entry.detail])).toEqual([
      ['admin', 'host.decommissioned', { left: ['x'] }],
      ['system', 'host.orphans_swept', { n: 1 }],
    ])
    expect(
      (await fresh.db.audit.list({ actions: ['host.orphans_swept'] })).map((entry) => entry.target),
    ).toEqual(['h2', 'h1'])
    expect(await fresh.db.audit.list({ limit: 1 })).toHaveLength(1)
    expect(forH1[0]?.at).toBeInstanceOf(Date)
    // The system's own entries have no source address and ended ok.
    expect(forH1[1]).toMatchObject({ sourceIp: null, outcome: 'ok' })
  })

  it('keeps where an operator call came from and how it ended; filters by actor, action prefix, time; pages', async () => {
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second))
    for (let i = 0; i < 5; i++) {
      await fresh.db.audit.append({
        at: at(i),
        actor: i % 2 === 0 ? 'alice' : 'bob',
        action: i < 3 ? 'fleet.deploy' : 'users.create',
        target: `t${i}`,
        sourceIp: `198.51.100.${i}`,
        outcome: i === 4 ? 'FORBIDDEN' : 'ok',
      })
    }
    // Two entries in the same millisecond still page apart (by id).
    await fresh.db.audit.append({ at: at(4), actor: 'alice', action: 'fleet.teardown', target: 't5' })
    const all = await fresh.db.audit.list()
    expect(all.map((entry) => entry.target)).toEqual(['t5', 't4', 't3', 't2', 't1', 't0'])
    expect(all[1]).toMatchObject({ sourceIp: '198.51.100.4', outcome: 'FORBIDDEN' })
    expect((await fresh.db.audit.list({ actor: 'bob' })).map((entry) => entry.target)).toEqual(['t3', 't1'])
    expect((await fresh.db.audit.list({ actionPrefix: 'fleet.' })).map((entry) => entry.target)).toEqual([
      't5',
      't2',
      't1',
      't0',
    ])
    // The prefix is literal: `_` and `%` match themselves only.
    expect(await fresh.db.audit.list({ actionPrefix: 'fleet_' })).toEqual([])
    expect(await fresh.db.audit.list({ actionPrefix: '%' })).toEqual([])
    expect((await fresh.db.audit.list({ since: at(1), until: at(3) })).map((entry) => entry.target)).toEqual([
      't2',
      't1',
    ])
    const pages: string[] = []
    let before: { at: Date; id: string } | undefined
    for (;;) {
      const page = await fresh.db.audit.list({ limit: 2, ...(before ? { before } : {}) })
      if (page.length === 0) break
      pages.push(...page.map((entry) => entry.target))
      const last = page.at(-1)!
      before = { at: last.at, id: last.id }
    }
    expect(pages).toEqual(['t5', 't4', 't3', 't2', 't1', 't0'])
  })
})
