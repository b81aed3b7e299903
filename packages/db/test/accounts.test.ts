import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import type { DecnetDatabase } from '../src/database.ts'
import { ConflictError, NotFoundError } from '../src/errors.ts'
import { databases } from './fixtures.ts'

describe.each(databases())('users, tokens, settings, heartbeats, hosts on $kind', (provider) => {
  let db: DecnetDatabase
  beforeEach(async () => {
    ;({ db } = await provider.open())
  })
  afterAll(() => provider.cleanup())

  it('creates users and returns only the public shape', async () => {
    const user = await db.users.create({
      username: 'admin',
      passwordHash: 'h1',
      role: 'admin',
      mustChangePassword: true,
    })
    expect(Object.keys(user).sort()).toEqual(['createdAt', 'id', 'mustChangePassword', 'role', 'username'])
    expect(user).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: true })
    await expect(
      db.users.create({ username: 'admin', passwordHash: 'h2', role: 'viewer', mustChangePassword: false }),
    ).rejects.toBeInstanceOf(ConflictError)
    expect((await db.users.findByUsername('admin'))?.passwordHash).toBe('h1')
    expect(await db.users.findByUsername('nobody')).toBeNull()
    expect((await db.users.list()).map((u) => u.username)).toEqual(['admin'])
  })

  it('updates, counts admins and deletes', async () => {
    const a = await db.users.create({
      username: 'a',
      passwordHash: 'h',
      role: 'admin',
      mustChangePassword: true,
    })
    await db.users.create({ username: 'v', passwordHash: 'h', role: 'viewer', mustChangePassword: false })
    expect(await db.users.countAdmins()).toBe(1)
    const validFrom = new Date('2026-11-25T12:00:00Z')
    const updated = await db.users.update(a.id, {
      passwordHash: 'h2',
      mustChangePassword: false,
      tokensValidFrom: validFrom,
    })
    expect(updated.mustChangePassword).toBe(false)
    const auth = await db.users.findById(a.id)
    expect(auth?.passwordHash).toBe('h2')
    expect(auth?.tokensValidFrom?.toISOString()).toBe(validFrom.toISOString())
    await expect(db.users.update('missing', { role: 'admin' })).rejects.toBeInstanceOf(NotFoundError)
    expect(await db.users.delete(a.id)).toBe(true)
    expect(await db.users.delete(a.id)).toBe(false)
    expect(await db.users.count()).toBe(1)
  })

  it('revokes tokens idempotently and purges expired revocations', async () => {
    const expiresAt = new Date('2026-11-25T12:00:00Z')
    await db.tokens.revoke({ jti: 'j1', userId: 'u', expiresAt })
    await db.tokens.revoke({ jti: 'j1', userId: 'u', expiresAt })
    expect(await db.tokens.isRevoked('j1')).toBe(true)
    expect(await db.tokens.isRevoked('j2')).toBe(false)
    expect(await db.tokens.purgeExpired(new Date('2026-11-25T11:00:00Z'))).toBe(0)
    expect(await db.tokens.purgeExpired(new Date('2026-11-25T13:00:00Z'))).toBe(1)
    expect(await db.tokens.isRevoked('j1')).toBe(false)
  })

  it('stores settings as JSON values', async () => {
    expect(await db.settings.get('deploymentLimit')).toBeUndefined()
    await db.settings.set('deploymentLimit', 20)
    await db.settings.set('globalMutationInterval', null)
    await db.settings.set('deploymentLimit', 30)
    expect(await db.settings.get('deploymentLimit')).toBe(30)
    expect(await db.settings.all()).toEqual({ deploymentLimit: 30, globalMutationInterval: null })
    await db.settings.delete('deploymentLimit')
    expect(await db.settings.get('deploymentLimit')).toBeUndefined()
  })

  it('keeps the last heartbeat per worker', async () => {
    await db.heartbeats.beat({ worker: 'runner', status: 'ok', at: new Date('2026-11-25T10:00:00Z') })
    await db.heartbeats.beat({
      worker: 'runner',
      status: 'degraded',
      detail: 'docker slow',
      at: new Date('2026-11-25T10:01:00Z'),
    })
    await db.heartbeats.beat({ worker: 'collector', status: 'ok' })
    const runner = await db.heartbeats.get('runner')
    expect(runner).toMatchObject({ status: 'degraded', detail: 'docker slow' })
    expect(runner?.beatAt.toISOString()).toBe('2026-11-25T10:01:00.000Z')
    expect((await db.heartbeats.list()).map((h) => h.worker)).toEqual(['collector', 'runner'])
  })

  it('enrolls, updates and removes hosts', async () => {
    const network = { driver: 'macvlan' as const, parent: 'eth0', subnet: '10.2.0.0/24', gateway: '10.2.0.1' }
    const tls = { ca: 'CA', cert: 'CERT', key: 'KEY' }
    const host = await db.hosts.create({ name: 'edge-1', dockerUrl: 'tcp://10.2.0.5:2376', tls, network })
    expect(host).toMatchObject({ name: 'edge-1', status: 'enrolled', tls, network, lastHeartbeat: null })
    await expect(
      db.hosts.create({ name: 'edge-1', dockerUrl: 'x', tls: null, network }),
    ).rejects.toBeInstanceOf(ConflictError)
    const beat = new Date('2026-11-25T10:00:00Z')
    await db.hosts.setStatus(host.id, 'active', beat)
    expect((await db.hosts.get(host.id))?.lastHeartbeat?.toISOString()).toBe(beat.toISOString())
    await expect(db.hosts.setStatus('missing', 'active')).rejects.toBeInstanceOf(NotFoundError)
    expect((await db.hosts.list()).map((h) => h.status)).toEqual(['active'])
    await db.hosts.setStatus(host.id, 'decommissioning')
    expect(await db.hosts.setStatusIf(host.id, ['active', 'unreachable'], 'active', beat)).toBe(false)
    expect((await db.hosts.get(host.id))?.status).toBe('decommissioning')
    expect(host.engine).toBeNull()
    const engine = { id: 'ABCD:EF01:/var/lib/docker', version: '20.10.24', cpus: 8, memoryMiB: 32_000 }
    expect(
      await db.hosts.setStatusIf(host.id, ['decommissioning'], 'decommissioning', beat, {
        engine,
        capacity: 250,
      }),
    ).toBe(true)
    expect(await db.hosts.get(host.id)).toMatchObject({ engine, capacity: 250, status: 'decommissioning' })
    expect(await db.hosts.setStatusIf(host.id, ['decommissioning'], 'decommissioned')).toBe(true)
    expect((await db.hosts.get(host.id))?.status).toBe('decommissioned')
    expect(await db.hosts.delete(host.id)).toBe(true)
    expect(await db.hosts.get(host.id)).toBeNull()
  })
})
