import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, login, NEW_ADMIN_PASSWORD } from './support/accounts.ts'
import { type InProcessApi, NO_WORKERS, startInProcessApi } from './support/in-process.ts'

// auth.session lets the login page ask "who is signed in?" without a 401 for anonymous callers.
describe('auth.session', () => {
  let api: InProcessApi
  beforeAll(async () => {
    api = await startInProcessApi({ env: NO_WORKERS })
  })
  afterAll(() => api.stop())

  it('is null for anonymous and revoked callers, the user (with mustChangePassword) for signed-in ones', async () => {
    expect(await api.as().auth.session()).toEqual({ user: null })
    expect(await api.as('not-a-token').auth.session()).toEqual({ user: null })
    const { client, token } = await login(api, 'admin', ADMIN_PASSWORD)
    expect((await client.auth.session()).user).toMatchObject({ username: 'admin', mustChangePassword: true })
    const changed = await client.auth.changePassword({
      oldPassword: ADMIN_PASSWORD,
      newPassword: NEW_ADMIN_PASSWORD,
    })
    expect(await api.as(token).auth.session()).toEqual({ user: null })
    expect((await api.as(changed.token).auth.session()).user).toMatchObject({
      username: 'admin',
      role: 'admin',
      mustChangePassword: false,
    })
  })
})
