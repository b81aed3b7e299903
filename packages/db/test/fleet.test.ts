import { describe, expect, it } from 'vitest'
import type { DecnetDatabase } from '../src/database.ts'
import { createDatabase } from '../src/database.ts'
import { ConflictError, NotFoundError } from '../src/errors.ts'
import { databases, decky, freshDatabaseEachTest } from './fixtures.ts'

describe.each(databases())('fleet on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('commits deckies with one pending deploy lifecycle row each', async () => {
    const { lifecycleIds } = await fresh.db.fleet.commitDeployPlan({
      create: [decky('web-01', '10.0.0.10'), decky('web-02', '10.0.0.11', { services: ['smb'] })],
    })
    expect(lifecycleIds).toHaveLength(2)
    const fleet = await fresh.db.fleet.list()
    expect(fleet.map((d) => [d.name, d.ip, d.hostId, d.state])).toEqual([
      ['web-01', '10.0.0.10', 'local', 'pending'],
      ['web-02', '10.0.0.11', 'local', 'pending'],
    ])
    expect(fleet[1]?.services).toEqual(['smb'])
    expect(fleet[0]?.serviceConfig).toEqual({ ssh: { version: 'OpenSSH_8.9' } })
    const rows = await fresh.db.lifecycle.get(lifecycleIds)
    expect(rows.map((r) => [r.deckyName, r.operation, r.status, r.attempt])).toEqual([
      ['web-01', 'deploy', 'pending', 0],
      ['web-02', 'deploy', 'pending', 0],
    ])
  })

  it('rejects a taken name or IP with a conflict naming it, writing nothing', async () => {
    await fresh.db.fleet.commitDeployPlan({ create: [decky('web-01', '10.0.0.10')] })
    const byName = fresh.db.fleet.commitDeployPlan({
      create: [decky('new-01', '10.0.0.20'), decky('web-01', '10.0.0.21')],
    })
    await expect(byName).rejects.toBeInstanceOf(ConflictError)
    await expect(byName).rejects.toThrow('decky "web-01" already exists')
    const byIp = fresh.db.fleet.commitDeployPlan({ create: [decky('new-02', '10.0.0.10')] })
    await expect(byIp).rejects.toThrow('IP 10.0.0.10 is already used by decky "web-01"')
    const twice = fresh.db.fleet.commitDeployPlan({
      create: [decky('a-1', '10.0.0.30'), decky('a-1', '10.0.0.31')],
    })
    await expect(twice).rejects.toThrow('appears twice')
    expect((await fresh.db.fleet.list()).map((d) => d.name)).toEqual(['web-01'])
    expect(await fresh.db.lifecycle.listActive()).toHaveLength(1)
  })

  it('allows the same IP on different hosts', async () => {
    await fresh.db.fleet.commitDeployPlan({
      create: [decky('a-1', '10.0.0.10'), decky('b-1', '10.0.0.10', { hostId: 'host-b' })],
    })
    expect(await fresh.db.fleet.count()).toBe(2)
    expect(await fresh.db.fleet.countByHost()).toEqual({ local: 1, 'host-b': 1 })
  })

  it('replace mode: updates kept deckies and removes others, freeing their name and IP at once', async () => {
    await fresh.db.fleet.commitDeployPlan({
      create: [decky('keep', '10.0.0.10'), decky('gone', '10.0.0.11')],
    })
    const { lifecycleIds } = await fresh.db.fleet.commitDeployPlan({
      create: [decky('fresh', '10.0.0.11')],
      update: [decky('keep', '10.0.0.10', { services: ['rdp'] })],
      remove: ['gone'],
    })
    const rows = await fresh.db.lifecycle.get(lifecycleIds)
    expect(rows.map((r) => [r.deckyName, r.operation]).sort()).toEqual([
      ['fresh', 'deploy'],
      ['gone', 'teardown'],
      ['keep', 'deploy'],
    ])
    expect(rows.find((r) => r.operation === 'teardown')?.payload).toMatchObject({
      ip: '10.0.0.11',
      services: ['ssh', 'http'],
      decky: { mac: '00:1a:2b:3c:4d:5e', hostname: 'gone-host' },
    })
    expect((await fresh.db.fleet.list()).map((d) => [d.name, d.services])).toEqual([
      ['fresh', ['ssh', 'http']],
      ['keep', ['rdp']],
    ])
  })

  it('a plan with an unknown decky to remove fails as a whole', async () => {
    await expect(
      fresh.db.fleet.commitDeployPlan({ create: [decky('x-1', '10.0.0.40')], remove: ['nope'] }),
    ).rejects.toBeInstanceOf(NotFoundError)
    expect(await fresh.db.fleet.count()).toBe(0)
    expect(await fresh.db.lifecycle.listActive()).toEqual([])
  })

  it('commits a mutation with a mutate lifecycle row', async () => {
    await fresh.db.fleet.commitDeployPlan({ create: [decky('m-1', '10.0.0.50')] })
    const at = new Date('2026-11-25T12:00:00Z')
    const { lifecycleId } = await fresh.db.fleet.commitMutation('m-1', ['ftp'], { ftp: {} }, at)
    const d = await fresh.db.fleet.get('m-1')
    expect(d?.services).toEqual(['ftp'])
    expect(d?.lastMutatedAt?.toISOString()).toBe(at.toISOString())
    const [row] = await fresh.db.lifecycle.get([lifecycleId])
    expect(row?.operation).toBe('mutate')
    expect(row?.payload).toEqual({ previousServices: ['ssh', 'http'], services: ['ftp'] })
    await expect(fresh.db.fleet.commitMutation('nope', [], {})).rejects.toBeInstanceOf(NotFoundError)
    // A confirmation from a set the decky no longer runs is refused and changes nothing.
    await expect(
      fresh.db.fleet.commitMutation('m-1', ['http'], {}, at, { expectedServices: ['ssh', 'http'] }),
    ).rejects.toBeInstanceOf(ConflictError)
    expect((await fresh.db.fleet.get('m-1'))?.services).toEqual(['ftp'])
    const again = await fresh.db.fleet.commitMutation('m-1', ['http'], {}, at, {
      expectedServices: ['ftp'],
      origin: { trigger: 'operator', actor: 'alice' },
    })
    // Its history, newest first: the second mutation, the first, the deploy.
    const history = await fresh.db.lifecycle.listForDecky('m-1')
    expect(history.map((r) => [r.operation, r.payload])).toEqual([
      ['mutate', { previousServices: ['ftp'], services: ['http'], trigger: 'operator', actor: 'alice' }],
      ['mutate', { previousServices: ['ssh', 'http'], services: ['ftp'] }],
      ['deploy', {}],
    ])
    expect(history[0]?.id).toBe(again.lifecycleId)
    expect(await fresh.db.lifecycle.listForDecky('m-1', 1)).toHaveLength(1)
    expect(await fresh.db.lifecycle.listForDecky('nobody')).toEqual([])
    await fresh.db.fleet.setMutateInterval('m-1', 45)
    expect((await fresh.db.fleet.get('m-1'))?.mutateInterval).toBe(45)
    expect(await fresh.db.fleet.setState('m-1', 'running')).toBe(true)
    expect(await fresh.db.fleet.countByState('running')).toBe(1)
  })

  // 20 calls in parallel. On PostgreSQL over four handles (separate pools, as separate API processes
  // would have). On SQLite over one handle: a process holds one (better-sqlite3 is synchronous, so a
  // second connection in the same process would block the event loop while it waits for the lock).
  async function race(plans: (i: number) => Parameters<DecnetDatabase['fleet']['commitDeployPlan']>[0]) {
    const handles =
      provider.kind === 'postgres'
        ? [fresh.db, createDatabase(fresh.url), createDatabase(fresh.url), createDatabase(fresh.url)]
        : [fresh.db]
    try {
      return await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          (handles[i % handles.length] as DecnetDatabase).fleet.commitDeployPlan(plans(i)),
        ),
      )
    } finally {
      await Promise.all(handles.slice(1).map((h) => h.close()))
    }
  }

  it('20 parallel deploys of the same name: exactly one wins, the rest conflict, no partial rows', async () => {
    const results = await race((i) => ({
      create: [decky(`solo-${i}`, `10.0.1.${i + 1}`), decky('same', `10.0.2.${i + 1}`)],
    }))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(rejected).toHaveLength(19)
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(ConflictError)
      expect((r.reason as Error).message).toContain('"same"')
    }
    const fleet = await fresh.db.fleet.list()
    expect(fleet).toHaveLength(2)
    expect((await fresh.db.lifecycle.listActive()).length).toBe(2)
  })

  it('20 parallel deploys of the same IP on one host: exactly one wins', async () => {
    const results = await race((i) => ({ create: [decky(`ip-${i}`, '10.0.3.3')] }))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(ConflictError)
        expect((r.reason as Error).message).toContain('10.0.3.3')
      }
    }
    expect(await fresh.db.fleet.count()).toBe(1)
    expect((await fresh.db.lifecycle.listActive()).length).toBe(1)
  })
})
