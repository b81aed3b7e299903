// New passwords must be hard to guess (issue 24), and usernames are unique regardless of case.
import { describe, expect, it } from 'vitest'
import { passwordWeakness } from '../src/auth/password-strength.ts'
import { codeOf, login, messageOf, NEW_ADMIN_PASSWORD } from './support/accounts.ts'
import { inProcessApiOfSuite, NO_WORKERS, startInProcessApi } from './support/in-process.ts'

describe('the strength estimator (offline)', () => {
  it.each([
    ['aaaaaaaaaaaa', /Repeated characters/],
    ['password1234', /commonly used password/],
    ['qwertyuiop12', /commonly used password/],
    ['123456789012', /commonly used password/],
    ['short-pw', /at least 12 characters/],
  ])('refuses %s with a reason', (password, reason) => {
    expect(passwordWeakness(password)).toMatch(reason)
  })

  it('refuses a password built from the username, accepts a strong one', () => {
    expect(passwordWeakness('frederickson1', ['frederickson'])).toMatch(/too easy to guess/)
    expect(passwordWeakness('correct-horse-battery-staple', ['frederickson'])).toBeNull()
  })
})

describe('weak passwords', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS })
  const admin = api.admin

  it('users.create refuses a weak password with the reason', async () => {
    const call = admin.users.create({ username: 'weakling', password: 'aaaaaaaaaaaa', role: 'viewer' })
    expect(await codeOf(call)).toBe('BAD_REQUEST')
    expect(await messageOf(call)).toMatch(/too easy to guess: Repeated characters/)
    expect((await admin.users.list()).map((user) => user.username)).toEqual(['admin'])
  })

  it('users.resetPassword and auth.changePassword refuse weak passwords with the reason', async () => {
    const created = await admin.users.create({
      username: 'grace',
      password: 'grace-initial-pw-1',
      role: 'viewer',
    })
    const reset = admin.users.resetPassword({ id: created.id, newPassword: 'password1234' })
    expect(await codeOf(reset)).toBe('BAD_REQUEST')
    expect(await messageOf(reset)).toMatch(/commonly used password/)
    // The refused reset changed nothing: the initial password still signs in.
    const grace = await login(api, 'grace', 'grace-initial-pw-1')
    const change = grace.client.auth.changePassword({
      oldPassword: 'grace-initial-pw-1',
      newPassword: 'qwertyuiop12',
    })
    expect(await codeOf(change)).toBe('BAD_REQUEST')
    expect(await messageOf(change)).toMatch(/too easy to guess/)
    expect((await grace.client.auth.me()).mustChangePassword).toBe(true)
    const strong = await grace.client.auth.changePassword({
      oldPassword: 'grace-initial-pw-1',
      newPassword: 'lunar-tangerine-orbit-7',
    })
    expect((await api.as(strong.token).auth.me()).mustChangePassword).toBe(false)
  })

  it('refuses ADMIN beside admin, and signs in by any case', async () => {
    const duplicate = admin.users.create({
      username: 'ADMIN',
      password: 'impostor-password-9',
      role: 'viewer',
    })
    expect(await codeOf(duplicate)).toBe('CONFLICT')
    expect(await messageOf(duplicate)).toMatch(/regardless of case/)
    const signedIn = await login(api, 'AdMiN', NEW_ADMIN_PASSWORD)
    expect((await signedIn.client.auth.me()).username).toBe('admin')
  })
})

describe('the first admin from DECNET_ADMIN_PASSWORD', () => {
  it('refuses to start with a weak one, saying why', async () => {
    const start = startInProcessApi({ env: { ...NO_WORKERS, DECNET_ADMIN_PASSWORD: 'aaaaaaaaaaaa' } })
    await expect(start).rejects.toThrow(
      /DECNET_ADMIN_PASSWORD is refused \(this password is too easy to guess/,
    )
  })

  it('refuses a DECNET_ADMIN_USER that is not a valid username', async () => {
    const start = startInProcessApi({ env: { ...NO_WORKERS, DECNET_ADMIN_USER: 'root admin' } })
    await expect(start).rejects.toThrow(/DECNET_ADMIN_USER must be/)
  })
})
