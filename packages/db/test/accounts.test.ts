import { describe, expect, it } from 'vitest'
import { ConflictError, NotFoundError } from '../src/errors.ts'
import { databases, freshDatabaseEachTest, user } from './fixtures.ts'

describe.each(databases())('users, tokens, settings, heartbeats, hosts on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('creates users and returns only the public shape', async () => {
    const created = await fresh.db.users.create(
      user('admin', { passwordHash: 'h1', role: 'admin', mustChangePassword: true }),
    )
    expect(Object.keys(created).sort()).toEqual(['createdAt', 'id', 'mustChangePassword', 'role', 'username'])
    expect(created).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: true })
    await expect(fresh.db.users.create(user('admin', { passwordHash: 'h2' }))).rejects.toBeInstanceOf(
      ConflictError,
    )
    expect((await fresh.db.users.findByUsername('admin'))?.passwordHash).toBe('h1')
    expect(await fresh.db.users.findByUsername('nobody')).toBeNull()
    expect((await fresh.db.users.list()).map((u) => u.username)).toEqual(['admin'])
  })

  it('updates, counts admins and deletes', async () => {
    const a = await fresh.db.users.create(user('a', { role: 'admin', mustChangePassword: true }))
    await fresh.db.users.create(user('v'))
    expect(await fresh.db.users.countAdmins()).toBe(1)
    const validFrom = new Date('2026-11-25T12:00:00Z')
    const updated = await fresh.db.users.update(a.id, {
      passwordHash: 'h2',
      mustChangePassword: false,
      tokensValidFrom: validFrom,
    })
    expect(updated.mustChangePassword).toBe(false)
    const auth = await fresh.db.users.findById(a.id)
    expect(auth?.passwordHash).toBe('h2')
    expect(auth?.tokensValidFrom?.toISOString()).toBe(validFrom.toISOString())
    await expect(fresh.db.users.update('missing', { role: 'admin' })).rejects.toBeInstanceOf(NotFoundError)
    expect(await fresh.db.users.delete(a.id)).toBe(true)
    expect(await fresh.db.users.delete(a.id)).toBe(false)
    expect(await fresh.db.users.count()).toBe(1)
  })

  it('revokes tokens idempotently and purges expired revocations', async () => {
    const expiresAt = new Date('2026-11-25T12:00:00Z')
    await fresh.db.tokens.revoke({ jti: 'j1', userId: 'u', expiresAt })
    await fresh.db.tokens.revoke({ jti: 'j1', userId: 'u', expiresAt })
    expect(await fresh.db.tokens.isRevoked('j1')).toBe(true)
    expect(await fresh.db.tokens.isRevoked('j2')).toBe(false)
    expect(await fresh.db.tokens.purgeExpired(new Date('2026-11-25T11:00:00Z'))).toBe(0)
    expect(await fresh.db.tokens.purgeExpired(new Date('2026-11-25T13:00:00Z'))).toBe(1)
    expect(await fresh.db.tokens.isRevoked('j1')).toBe(false)
  })

  it('stores settings as JSON values', async () => {
    expect(await fresh.db.settings.get('deploymentLimit')).toBeUndefined()
    await fresh.db.settings.set('deploymentLimit', 20)
    await fresh.db.settings.set('globalMutationInterval', null)
    await fresh.db.settings.set('deploymentLimit', 30)
    expect(await fresh.db.settings.get('deploymentLimit')).toBe(30)
    expect(await fresh.db.settings.all()).toEqual({ deploymentLimit: 30, globalMutationInterval: null })
    await fresh.db.settings.delete('deploymentLimit')
    expect(await fresh.db.settings.get('deploymentLimit')).toBeUndefined()
  })

  it('keeps the last heartbeat per worker', async () => {
    await fresh.db.heartbeats.beat({ worker: 'runner', status: 'ok', at: new Date('2026-11-25T10:00:00Z') })
    await fresh.db.heartbeats.beat({
      worker: 'runner',
      status: 'degraded',
      detail: 'docker slow',
      at: new Date('2026-11-25T10:01:00Z'),
    })
    await fresh.db.heartbeats.beat({ worker: 'collector', status: 'ok' })
    const runner = await fresh.db.heartbeats.get('runner')
    expect(runner).toMatchObject({ status: 'degraded', detail: 'docker slow' })
    expect(runner?.beatAt.toISOString()).toBe('2026-11-25T10:01:00.000Z')
    expect((await fresh.db.heartbeats.list()).map((h) => h.worker)).toEqual(['collector', 'runner'])
  })

  it('enrolls, updates and removes hosts', async () => {
    const network = { driver: 'macvlan' as const, parent: 'eth0', subnet: '10.2.0.0/24', gateway: '10.2.0.1' }
    const tls = { ca: 'CA', cert: 'CERT', key: 'KEY' }
    const host = await fresh.db.hosts.create({
      name: 'edge-1',
      dockerUrl: 'tcp://10.2.0.5:2376',
      tls,
      network,
    })
    expect(host).toMatchObject({ name: 'edge-1', status: 'enrolled', tls, network, lastHeartbeat: null })
    await expect(
      fresh.db.hosts.create({ name: 'edge-1', dockerUrl: 'x', tls: null, network }),
    ).rejects.toBeInstanceOf(ConflictError)
    const beat = new Date('2026-11-25T10:00:00Z')
    await fresh.db.hosts.setStatus(host.id, 'active', beat)
    expect((await fresh.db.hosts.get(host.id))?.lastHeartbeat?.toISOString()).toBe(beat.toISOString())
    await expect(fresh.db.hosts.setStatus('missing', 'active')).rejects.toBeInstanceOf(NotFoundError)
    expect((await fresh.db.hosts.list()).map((h) => h.status)).toEqual(['active'])
    await fresh.db.hosts.setStatus(host.id, 'decommissioning')
    expect(await fresh.db.hosts.setStatusIf(host.id, ['active', 'unreachable'], 'active', beat)).toBe(false)
    expect((await fresh.db.hosts.get(host.id))?.status).toBe('decommissioning')
    expect(host.engine).toBeNull()
    const engine = { id: 'ABCD:EF01:/var/lib/docker', version: '20.10.24', cpus: 8, memoryMiB: 32_000 }
    expect(
      await fresh.db.hosts.setStatusIf(host.id, ['decommissioning'], 'decommissioning', beat, {
        engine,
        capacity: 250,
      }),
    ).toBe(true)
    expect(await fresh.db.hosts.get(host.id)).toMatchObject({
      engine,
      capacity: 250,
      status: 'decommissioning',
    })
    expect(await fresh.db.hosts.setStatusIf(host.id, ['decommissioning'], 'decommissioned')).toBe(true)
    expect((await fresh.db.hosts.get(host.id))?.status).toBe('decommissioned')
    expect(await fresh.db.hosts.delete(host.id)).toBe(true)
    expect(await fresh.db.hosts.get(host.id)).toBeNull()
  })
})
