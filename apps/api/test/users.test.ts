import { beforeAll, describe, expect, it } from 'vitest'
import { codeOf, login, NEW_ADMIN_PASSWORD, readyUser } from './support/accounts.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

describe('users.* and config.* as an admin', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS })
  // Reassigned when a test leaves another admin in charge.
  let admin = api.admin
  let adminId: string
  beforeAll(async () => {
    adminId = (await admin.auth.me()).id
  })

  it('creates users who must change their password, and lists only public fields', async () => {
    const created = await admin.users.create({
      username: 'carol',
      password: 'carol-initial-pw',
      role: 'viewer',
    })
    expect(created).toMatchObject({ username: 'carol', role: 'viewer', mustChangePassword: true })
    const users = await admin.users.list()
    expect(users.map((user) => user.username)).toEqual(['admin', 'carol'])
    for (const user of users)
      expect(Object.keys(user).sort()).toEqual(['createdAt', 'id', 'mustChangePassword', 'role', 'username'])
    expect(
      await codeOf(admin.users.create({ username: 'carol', password: 'another-password', role: 'viewer' })),
    ).toBe('CONFLICT')
    expect(await codeOf(admin.users.create({ username: 'dave', password: 'short', role: 'viewer' }))).toBe(
      'BAD_REQUEST',
    )
    expect(
      await codeOf(admin.users.create({ username: '<script>', password: 'long-enough-pw', role: 'viewer' })),
    ).toBe('BAD_REQUEST')
  })

  it('never lets an admin delete or demote themself, nor remove the last admin', async () => {
    expect(await codeOf(admin.users.delete({ id: adminId }))).toBe('FORBIDDEN')
    expect(await codeOf(admin.users.setRole({ id: adminId, role: 'viewer' }))).toBe('FORBIDDEN')
    const second = await readyUser(api, admin, 'erin', 'admin')
    // erin may demote the original admin (two admins exist), but then cannot be demoted by anyone.
    await second.client.users.setRole({ id: adminId, role: 'viewer' })
    const demoted = await login(api, 'admin', NEW_ADMIN_PASSWORD)
    expect(await codeOf(demoted.client.users.list())).toBe('FORBIDDEN')
    expect(await codeOf(second.client.users.setRole({ id: second.id, role: 'viewer' }))).toBe('FORBIDDEN')
    // Restore, then concurrent demotions of the two admins by each other: one must fail.
    await second.client.users.setRole({ id: adminId, role: 'admin' })
    const restored = await login(api, 'admin', NEW_ADMIN_PASSWORD)
    const results = await Promise.all([
      codeOf(restored.client.users.setRole({ id: second.id, role: 'viewer' })),
      codeOf(second.client.users.setRole({ id: adminId, role: 'viewer' })),
    ])
    const admins = (await restored.client.users.list().catch(() => second.client.users.list())).filter(
      (user) => user.role === 'admin',
    )
    expect(admins.length).toBeGreaterThanOrEqual(1)
    expect(results.filter((code) => code === 'OK').length).toBeLessThanOrEqual(1)
    admin = admins.some((user) => user.id === adminId) ? restored.client : second.client
  })

  it('resets a password: the user is signed out and must change it again', async () => {
    const frank = await readyUser(api, admin, 'frank', 'viewer')
    expect((await frank.client.auth.me()).username).toBe('frank')
    await admin.users.resetPassword({ id: frank.id, newPassword: 'frank-reset-password' })
    expect(await codeOf(frank.client.auth.me())).toBe('UNAUTHORIZED')
    const again = await login(api, 'frank', 'frank-reset-password')
    expect((await again.client.auth.me()).mustChangePassword).toBe(true)
    expect(await codeOf(again.client.fleet.list())).toBe('FORBIDDEN')
  })

  it('deletes a user, whose token then stops working', async () => {
    const gina = await readyUser(api, admin, 'gina', 'viewer')
    await admin.users.delete({ id: gina.id })
    expect(await codeOf(api.as(gina.token).auth.me())).toBe('UNAUTHORIZED')
    expect(await codeOf(admin.users.delete({ id: gina.id }))).toBe('NOT_FOUND')
  })

  it('reads and writes operator settings', async () => {
    expect(await admin.config.get()).toEqual({
      deploymentLimit: 50,
      globalMutationInterval: null,
      engine: 'local',
      developerMode: false,
    })
    await admin.config.setGlobalMutationInterval({ interval: '30m' })
    expect((await admin.config.get()).globalMutationInterval).toBe('30m')
    expect(await codeOf(admin.config.setGlobalMutationInterval({ interval: '5x' }))).toBe('BAD_REQUEST')
    expect(await codeOf(admin.config.setDeploymentLimit({ deploymentLimit: 501 }))).toBe('BAD_REQUEST')
    expect(await codeOf(admin.config.purge())).toBe('PRECONDITION_FAILED')
  })
})
