import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, codeOf, login, messageOf, NEW_ADMIN_PASSWORD } from './support/accounts.ts'
import { type InProcessApi, QUICK_LOGIN_LIMITS, startInProcessApi } from './support/in-process.ts'

// The session cookie and body limits are the wire's: wire-hardening.test.ts.
describe('auth', () => {
  let api: InProcessApi
  beforeAll(async () => {
    api = await startInProcessApi({ loginLimits: QUICK_LOGIN_LIMITS })
  })
  afterAll(() => api.stop())

  it('bootstraps the first admin, who must change the one-time password before anything else', async () => {
    const { client, token } = await login(api, 'admin', ADMIN_PASSWORD)
    const me = await client.auth.me()
    expect(me).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: true })
    expect(Object.keys(me).sort()).toEqual(['createdAt', 'id', 'mustChangePassword', 'role', 'username'])
    expect(await codeOf(client.fleet.list())).toBe('FORBIDDEN')
    expect(await codeOf(client.users.list())).toBe('FORBIDDEN')

    const changed = await client.auth.changePassword({
      oldPassword: ADMIN_PASSWORD,
      newPassword: NEW_ADMIN_PASSWORD,
    })
    // The token used for the change is revoked with every other; the returned one works.
    expect(await codeOf(api.as(token).auth.me())).toBe('UNAUTHORIZED')
    const fresh = api.as(changed.token)
    expect((await fresh.auth.me()).mustChangePassword).toBe(false)
    expect(await fresh.fleet.list()).toEqual([])
    expect(await codeOf(login(api, 'admin', ADMIN_PASSWORD))).toBe('UNAUTHORIZED')
  })

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await messageOf(login(api, 'nobody', 'whatever-password'))
    const wrong = await messageOf(login(api, 'admin', 'wrong-password-123'))
    expect(unknown).toBe('invalid username or password')
    expect(wrong).toBe(unknown)
  })

  it('revokes the token on logout', async () => {
    const { client } = await login(api, 'admin', NEW_ADMIN_PASSWORD)
    expect((await client.auth.me()).username).toBe('admin')
    await client.auth.logout()
    expect(await codeOf(client.auth.me())).toBe('UNAUTHORIZED')
  })

  it('rejects malformed and foreign tokens', async () => {
    expect(await codeOf(api.as('not-a-jwt').auth.me())).toBe('UNAUTHORIZED')
    const forged =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4IiwianRpIjoieSIsImV4cCI6OTk5OTk5OTk5OSwiaWF0IjoxLCJ0eXAiOiJzZXNzaW9uIiwiaWF0X21zIjoxfQ.c2lnbmF0dXJl'
    expect(await codeOf(api.as(forged).auth.me())).toBe('UNAUTHORIZED')
  })

  it('rate-limits repeated failed logins for one username', async () => {
    const codes: string[] = []
    for (let attempt = 0; attempt < 12; attempt++)
      codes.push(await codeOf(login(api, 'victim', 'bad-password-123')))
    expect(codes.slice(0, 10).every((code) => code === 'UNAUTHORIZED')).toBe(true)
    expect(codes.slice(10)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS'])
  })

  it('never throttles successful sign-ins, however many', async () => {
    const codes = new Set<string>()
    for (let attempt = 0; attempt < 40; attempt++)
      codes.add(await codeOf(login(api, 'admin', NEW_ADMIN_PASSWORD)))
    expect([...codes]).toEqual(['OK'])
  })

  it('rejects unknown input fields', async () => {
    const { client } = await login(api, 'admin', NEW_ADMIN_PASSWORD)
    // @ts-expect-error: an unknown key is refused by the strict input schema
    expect(await codeOf(client.config.setDeploymentLimit({ deploymentLimit: 5, extra: true }))).toBe(
      'BAD_REQUEST',
    )
  })
})
