import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, clientFor, codeOf, login, readyAdmin, readyUser } from './support/clients.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

describe('users.* and config.* as an admin', () => {
  let api: ServerProcess
  let admin: Client
  let adminId: string
  beforeAll(async () => {
    api = await startServerProcess({ DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator' })
    admin = (await readyAdmin(api.url)).client
    adminId = (await admin.auth.me.query()).id
  })
  afterAll(() => api.stop())

  it('creates users who must change their password, and lists only public fields', async () => {
    const created = await admin.users.create.mutate({
      username: 'carol',
      password: 'carol-initial-pw',
      role: 'viewer',
    })
    expect(created).toMatchObject({ username: 'carol', role: 'viewer', mustChangePassword: true })
    const users = await admin.users.list.query()
    expect(users.map((user) => user.username)).toEqual(['admin', 'carol'])
    for (const user of users)
      expect(Object.keys(user).sort()).toEqual(['createdAt', 'id', 'mustChangePassword', 'role', 'username'])
    expect(
      await codeOf(
        admin.users.create.mutate({ username: 'carol', password: 'another-password', role: 'viewer' }),
      ),
    ).toBe('CONFLICT')
    expect(
      await codeOf(admin.users.create.mutate({ username: 'dave', password: 'short', role: 'viewer' })),
    ).toBe('BAD_REQUEST')
    expect(
      await codeOf(
        admin.users.create.mutate({ username: '<script>', password: 'long-enough-pw', role: 'viewer' }),
      ),
    ).toBe('BAD_REQUEST')
  })

  it('never lets an admin delete or demote themself, nor remove the last admin', async () => {
    expect(await codeOf(admin.users.delete.mutate({ id: adminId }))).toBe('FORBIDDEN')
    expect(await codeOf(admin.users.setRole.mutate({ id: adminId, role: 'viewer' }))).toBe('FORBIDDEN')
    const second = await readyUser(api.url, admin, 'erin', 'admin')
    // erin may demote the original admin (two admins exist), but then cannot be demoted by anyone.
    await second.client.users.setRole.mutate({ id: adminId, role: 'viewer' })
    const demoted = await login(api.url, 'admin', 'admin-password-changed-1')
    expect(await codeOf(demoted.client.users.list.query())).toBe('FORBIDDEN')
    expect(await codeOf(second.client.users.setRole.mutate({ id: second.id, role: 'viewer' }))).toBe(
      'FORBIDDEN',
    )
    // Restore, then concurrent demotions of the two admins by each other: one must fail.
    await second.client.users.setRole.mutate({ id: adminId, role: 'admin' })
    const restored = await login(api.url, 'admin', 'admin-password-changed-1')
    const results = await Promise.all([
      codeOf(restored.client.users.setRole.mutate({ id: second.id, role: 'viewer' })),
      codeOf(second.client.users.setRole.mutate({ id: adminId, role: 'viewer' })),
    ])
    const admins = (
      await restored.client.users.list.query().catch(() => second.client.users.list.query())
    ).filter((user) => user.role === 'admin')
    expect(admins.length).toBeGreaterThanOrEqual(1)
    expect(results.filter((code) => code === 'OK').length).toBeLessThanOrEqual(1)
    admin = admins.some((user) => user.id === adminId) ? restored.client : second.client
  })

  it('resets a password: the user is signed out and must change it again', async () => {
    const frank = await readyUser(api.url, admin, 'frank', 'viewer')
    expect((await frank.client.auth.me.query()).username).toBe('frank')
    await admin.users.resetPassword.mutate({ id: frank.id, newPassword: 'frank-reset-password' })
    expect(await codeOf(frank.client.auth.me.query())).toBe('UNAUTHORIZED')
    const again = await login(api.url, 'frank', 'frank-reset-password')
    expect((await again.client.auth.me.query()).mustChangePassword).toBe(true)
    expect(await codeOf(again.client.fleet.list.query())).toBe('FORBIDDEN')
  })

  it('deletes a user, whose token then stops working', async () => {
    const gina = await readyUser(api.url, admin, 'gina', 'viewer')
    await admin.users.delete.mutate({ id: gina.id })
    expect(await codeOf(clientFor(api.url, gina.token).auth.me.query())).toBe('UNAUTHORIZED')
    expect(await codeOf(admin.users.delete.mutate({ id: gina.id }))).toBe('NOT_FOUND')
  })

  it('reads and writes operator settings', async () => {
    expect(await admin.config.get.query()).toEqual({
      deploymentLimit: 50,
      globalMutationInterval: null,
      engine: 'local',
      developerMode: false,
    })
    await admin.config.setGlobalMutationInterval.mutate({ interval: '30m' })
    expect((await admin.config.get.query()).globalMutationInterval).toBe('30m')
    expect(await codeOf(admin.config.setGlobalMutationInterval.mutate({ interval: '5x' }))).toBe(
      'BAD_REQUEST',
    )
    expect(await codeOf(admin.config.setDeploymentLimit.mutate({ deploymentLimit: 501 }))).toBe('BAD_REQUEST')
    expect(await codeOf(admin.config.purge.mutate())).toBe('PRECONDITION_FAILED')
  })
})
