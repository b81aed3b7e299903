// What the HTTP layer does, over real HTTP: the session cookie, oversized bodies and batches for
// every procedure (issue 24), and a session cookie that is not even valid percent-encoding.
import { MAX_BATCH_CALLS } from '@decnet/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCookie, SESSION_COOKIE } from '../src/auth/cookies.ts'
import { login, NEW_ADMIN_PASSWORD, readyAdmin } from './support/accounts.ts'
import { rawMutation } from './support/http.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

const PASSWORD = NEW_ADMIN_PASSWORD
const EXPIRED_SESSION_COOKIE = /^decnet_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/

describe('cookies, bodies and batches over real HTTP', () => {
  let api: ServerProcess
  beforeAll(async () => {
    api = await startServerProcess({
      DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator,incidents',
    })
    await readyAdmin(api)
  })
  afterAll(() => api.stop())

  it('sets an httpOnly SameSite=Strict session cookie that authenticates browser calls', async () => {
    const signIn = await rawMutation(api.url, 'auth.login', { username: 'admin', password: PASSWORD })
    expect(signIn.status).toBe(200)
    const [cookie = ''] = signIn.setCookie
    expect(cookie).toMatch(/^decnet_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/)
    const me = await fetch(`${api.url}/trpc/auth.me`, { headers: { cookie: cookie.split(';')[0]! } })
    expect(((await me.json()) as { result: { data: { username: string } } }).result.data.username).toBe(
      'admin',
    )
  })

  it('refuses a body over the limit with 413', async () => {
    const huge = await rawMutation(api.url, 'auth.login', {
      username: 'x',
      password: 'y'.repeat(2 * 1024 * 1024),
    })
    expect(huge.status).toBe(413)
  })

  const batchOf = (count: number) =>
    fetch(`${api.url}/trpc/${Array(count).fill('health.get').join(',')}?batch=1`)

  it(`caps every batch at ${MAX_BATCH_CALLS} calls, whatever the procedure`, async () => {
    const full = await batchOf(MAX_BATCH_CALLS)
    expect(full.status).toBe(200)
    expect((await full.json()) as unknown[]).toHaveLength(MAX_BATCH_CALLS)
    const over = await batchOf(MAX_BATCH_CALLS + 1)
    expect(over.status).toBe(400)
    expect(await over.text()).toMatch(/Batch call exceeds maximum size/)
  })

  it('the CLI client splits a larger burst into batches the API accepts', async () => {
    const { client } = await login(api, 'admin', PASSWORD)
    const results = await Promise.all(
      Array.from({ length: 3 * MAX_BATCH_CALLS + 1 }, () => client.health.get.query()),
    )
    expect(results).toHaveLength(3 * MAX_BATCH_CALLS + 1)
  })

  it('ignores and expires a malformed session cookie instead of failing every request', async () => {
    for (const cookie of [
      `${SESSION_COOKIE}=%`,
      `${SESSION_COOKIE}=%zz; other=1`,
      `a=b; ${SESSION_COOKIE}=%E0%A4%A`,
    ]) {
      const health = await fetch(`${api.url}/trpc/health.get`, { headers: { cookie } })
      expect(health.status).toBe(200)
      expect(health.headers.getSetCookie()).toEqual([expect.stringMatching(EXPIRED_SESSION_COOKIE)])

      const login = await rawMutation(
        api.url,
        'auth.login',
        { username: 'admin', password: PASSWORD },
        { cookie },
      )
      expect(login.code).toBe('OK')
      // First the bad cookie is expired, then the fresh session is set: the browser keeps the latter.
      expect(login.setCookie).toHaveLength(2)
      expect(login.setCookie[0]).toMatch(EXPIRED_SESSION_COOKIE)
      expect(login.setCookie[1]).toMatch(
        /^decnet_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=[1-9]/,
      )

      const logout = await rawMutation(api.url, 'auth.logout', undefined, { cookie })
      expect(logout.status).toBe(401)
      expect(logout.code).toBe('UNAUTHORIZED')
      expect(logout.setCookie).toEqual([expect.stringMatching(EXPIRED_SESSION_COOKIE)])
    }
  })

  it('reads cookies without ever throwing', () => {
    expect(readCookie('decnet_session=%', SESSION_COOKIE)).toEqual({ kind: 'malformed' })
    expect(readCookie('x=%; decnet_session=a%20b', SESSION_COOKIE)).toEqual({ kind: 'value', value: 'a b' })
    expect(readCookie('decnet_sessionx=1', SESSION_COOKIE)).toEqual({ kind: 'absent' })
    expect(readCookie(undefined, SESSION_COOKIE)).toEqual({ kind: 'absent' })
  })
})
