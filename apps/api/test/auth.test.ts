import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientFor, codeOf, login, NEW_ADMIN_PASSWORD } from './support/clients.ts'
import { ADMIN_PASSWORD, type ServerProcess, startServerProcess } from './support/server.ts'

describe('auth over real HTTP against the API process', () => {
  let api: ServerProcess
  beforeAll(async () => {
    api = await startServerProcess()
  })
  afterAll(() => api.stop())

  it('bootstraps the first admin, who must change the one-time password before anything else', async () => {
    const { client, token } = await login(api.url, 'admin', ADMIN_PASSWORD)
    const me = await client.auth.me.query()
    expect(me).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: true })
    expect(Object.keys(me).sort()).toEqual(['createdAt', 'id', 'mustChangePassword', 'role', 'username'])
    expect(await codeOf(client.fleet.list.query())).toBe('FORBIDDEN')
    expect(await codeOf(client.users.list.query())).toBe('FORBIDDEN')

    const changed = await client.auth.changePassword.mutate({
      oldPassword: ADMIN_PASSWORD,
      newPassword: NEW_ADMIN_PASSWORD,
    })
    // The token used for the change is revoked with every other; the returned one works.
    expect(await codeOf(clientFor(api.url, token).auth.me.query())).toBe('UNAUTHORIZED')
    const fresh = clientFor(api.url, changed.token)
    expect((await fresh.auth.me.query()).mustChangePassword).toBe(false)
    expect(await fresh.fleet.list.query()).toEqual([])
    expect(await codeOf(login(api.url, 'admin', ADMIN_PASSWORD))).toBe('UNAUTHORIZED')
  })

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await login(api.url, 'nobody', 'whatever-password').catch((error: Error) => error.message)
    const wrong = await login(api.url, 'admin', 'wrong-password-123').catch((error: Error) => error.message)
    expect(unknown).toBe('invalid username or password')
    expect(wrong).toBe(unknown)
  })

  it('sets an httpOnly SameSite=Strict session cookie that authenticates browser calls', async () => {
    const response = await fetch(`${api.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: NEW_ADMIN_PASSWORD }),
    })
    expect(response.status).toBe(200)
    const cookie = response.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^decnet_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/)
    const me = await fetch(`${api.url}/trpc/auth.me`, { headers: { cookie: cookie.split(';')[0]! } })
    expect(((await me.json()) as { result: { data: { username: string } } }).result.data.username).toBe(
      'admin',
    )
  })

  it('revokes the token on logout', async () => {
    const { client } = await login(api.url, 'admin', NEW_ADMIN_PASSWORD)
    expect((await client.auth.me.query()).username).toBe('admin')
    await client.auth.logout.mutate()
    expect(await codeOf(client.auth.me.query())).toBe('UNAUTHORIZED')
  })

  it('rejects malformed and foreign tokens', async () => {
    expect(await codeOf(clientFor(api.url, 'not-a-jwt').auth.me.query())).toBe('UNAUTHORIZED')
    const forged =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4IiwianRpIjoieSIsImV4cCI6OTk5OTk5OTk5OSwiaWF0IjoxLCJ0eXAiOiJzZXNzaW9uIiwiaWF0X21zIjoxfQ.c2lnbmF0dXJl'
    expect(await codeOf(clientFor(api.url, forged).auth.me.query())).toBe('UNAUTHORIZED')
  })

  it('rate-limits repeated failed logins for one username', async () => {
    const codes: string[] = []
    for (let attempt = 0; attempt < 12; attempt++)
      codes.push(await codeOf(login(api.url, 'victim', 'bad-password-123')))
    expect(codes.slice(0, 10).every((code) => code === 'UNAUTHORIZED')).toBe(true)
    expect(codes.slice(10)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS'])
  })

  it('never throttles successful sign-ins, however many', async () => {
    const codes = new Set<string>()
    for (let attempt = 0; attempt < 40; attempt++)
      codes.add(await codeOf(login(api.url, 'admin', NEW_ADMIN_PASSWORD)))
    expect([...codes]).toEqual(['OK'])
  })

  it('rejects unknown input fields and oversized bodies', async () => {
    const { client } = await readyAdminOnce(api.url)
    // @ts-expect-error: an unknown key is refused by the strict input schema
    expect(await codeOf(client.config.setDeploymentLimit.mutate({ deploymentLimit: 5, extra: true }))).toBe(
      'BAD_REQUEST',
    )
    const huge = await fetch(`${api.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'x', password: 'y'.repeat(2 * 1024 * 1024) }),
    })
    expect(huge.status).toBe(413)
  })
})

async function readyAdminOnce(url: string) {
  return login(url, 'admin', NEW_ADMIN_PASSWORD)
}
