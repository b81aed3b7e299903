// Login brute-force protection (issue 24): attempts are counted before the hash check, batches
// cannot multiply them, the per-username limit slows down instead of locking the real user out,
// and a forwarded client address is believed only from a trusted proxy. What depends on the
// caller's address as the API resolved it runs in process; batches and proxies over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLoginThrottle,
  DEFAULT_LOGIN_LIMITS,
  type LoginThrottleLimits,
  usernameDelayMs,
} from '../src/auth/login-throttle.ts'
import { loadConfig } from '../src/config.ts'
import { codeOf, NEW_ADMIN_PASSWORD, readyAdmin } from './support/accounts.ts'
import { from, rawLogin } from './support/http.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

const WRONG = 'wrong-password-123'

describe('the login throttle (in process)', () => {
  it('reserves before anything is awaited: of 100 simultaneous attempts from one IP only the limit pass', () => {
    const throttle = createLoginThrottle()
    const admitted = Array.from({ length: 100 }, (_, i) => throttle.admit('198.51.100.1', `user${i}`)).filter(
      (admission) => admission.admitted,
    )
    expect(admitted).toHaveLength(DEFAULT_LOGIN_LIMITS.perIp.limit)
  })

  it('gives a successful attempt its slots back', () => {
    const throttle = createLoginThrottle()
    for (let i = 0; i < 100; i++) {
      const admission = throttle.admit('198.51.100.2', 'alice')
      expect(admission.admitted).toBe(true)
      if (admission.admitted) admission.succeeded()
    }
  })

  it('delays a username under attack from many IPs instead of refusing it', () => {
    const throttle = createLoginThrottle()
    const delays: number[] = []
    for (let i = 0; i < 40; i++) {
      const admission = throttle.admit(`203.0.113.${i}`, 'admin')
      expect(admission.admitted).toBe(true)
      if (admission.admitted) delays.push(admission.delayMs)
    }
    const { freeAttempts, baseDelayMs, maxDelayMs } = DEFAULT_LOGIN_LIMITS.perUsername
    expect(delays.slice(0, freeAttempts).every((delay) => delay === 0)).toBe(true)
    expect(delays.slice(freeAttempts, freeAttempts + 3)).toEqual([
      baseDelayMs,
      baseDelayMs * 2,
      baseDelayMs * 4,
    ])
    expect(Math.max(...delays)).toBe(maxDelayMs)
    expect(usernameDelayMs(1000, DEFAULT_LOGIN_LIMITS.perUsername)).toBe(maxDelayMs)
  })

  it('refuses an unparsable DECNET_TRUSTED_PROXIES at start-up, and defaults to loopback', () => {
    expect(() => loadConfig({ DECNET_TRUSTED_PROXIES: '10.0.0.0/8, not-an-ip' })).toThrow(
      /DECNET_TRUSTED_PROXIES: "not-an-ip"/,
    )
    expect(loadConfig({}).trustedProxies).toEqual(['loopback'])
    expect(loadConfig({ DECNET_TRUSTED_PROXIES: 'none' }).trustedProxies).toEqual([])
    expect(loadConfig({ DECNET_TRUSTED_PROXIES: '10.1.0.0/16,::1' }).trustedProxies).toEqual([
      '10.1.0.0/16',
      '::1',
    ])
  })
})

describe('auth.login under the throttle (in process, shorter backoffs)', () => {
  // The default counts; backoffs of 50 ms doubling to 1.6 s keep the waits short but far above a hash check.
  const LIMITS: LoginThrottleLimits = {
    ...DEFAULT_LOGIN_LIMITS,
    perUsername: { ...DEFAULT_LOGIN_LIMITS.perUsername, baseDelayMs: 50, maxDelayMs: 1_600 },
  }
  const api = inProcessApiOfSuite({ env: NO_WORKERS, loginLimits: LIMITS })
  const admin = api.admin
  /** auth.login as the API sees it from `clientIp` (behind a trusted proxy, from its X-Forwarded-For). */
  const loginFrom = (clientIp: string, username: string, password: string) =>
    api.as(undefined, { clientIp }).auth.login({ username, password })

  it('slows a username attacked from many IPs, but the real user still signs in', async () => {
    await admin.users.create({ username: 'victim', password: 'victim-initial-pw-1', role: 'viewer' })
    // 11 failures from 11 addresses: more than the old per-username lockout (10) allowed.
    const failures = await Promise.all(
      Array.from({ length: 11 }, (_, i) => codeOf(loginFrom(`203.0.113.${i + 1}`, 'victim', WRONG))),
    )
    expect(failures).toEqual(Array(11).fill('UNAUTHORIZED'))
    const startedAt = Date.now()
    expect(await codeOf(loginFrom('192.0.2.200', 'Victim', 'victim-initial-pw-1'))).toBe('OK')
    // The 12th attempt of the window waits the capped backoff before its hash is even checked.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(LIMITS.perUsername.maxDelayMs - 5)
  })

  it('counts concurrent failures before checking any hash: 12 at once from one IP on one user → 10 refused by password, 2 by the limit', async () => {
    const codes = await Promise.all(
      Array.from({ length: 12 }, () => codeOf(loginFrom('198.51.100.20', 'mallory-target', WRONG))),
    )
    expect(codes.filter((code) => code === 'UNAUTHORIZED')).toHaveLength(10)
    expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS')).toHaveLength(2)
  })

  it('keys the limits by username regardless of case: VIEWER1 counts against viewer1', async () => {
    const answers: string[] = []
    for (const spelling of ['ViEwEr1', 'VIEWER1', 'viewer1', 'Viewer1', 'vIEWER1', 'VIewer1']) {
      answers.push(await codeOf(loginFrom('198.51.100.30', spelling, WRONG)))
      answers.push(await codeOf(loginFrom('198.51.100.30', spelling.toLowerCase(), WRONG)))
    }
    // One (IP, username) pair: the 11th and 12th attempts are refused whatever the spelling.
    expect(answers.slice(0, 10)).toEqual(Array(10).fill('UNAUTHORIZED'))
    expect(answers.slice(10)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS'])
  })
})

describe('login limits over real HTTP (loopback is not a trusted proxy here)', () => {
  let api: ServerProcess
  beforeAll(async () => {
    // This test's X-Forwarded-For must not be believed: only 192.0.2.10 may forward addresses.
    api = await startServerProcess({ ...NO_WORKERS, DECNET_TRUSTED_PROXIES: '192.0.2.10' })
    await readyAdmin(api)
  })
  afterAll(() => api.stop())

  it('refuses a batch of 100 logins whole: no token, no hash checked, nothing counted', async () => {
    const paths = Array.from({ length: 100 }, () => 'auth.login').join(',')
    const inputs = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [
        i,
        { username: 'admin', password: i === 99 ? NEW_ADMIN_PASSWORD : `guess-${i}-password` },
      ]),
    )
    const response = await fetch(`${api.url}/trpc/${paths}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(inputs),
    })
    const text = await response.text()
    expect(response.status).toBe(400)
    expect(text).toMatch(/Batch call exceeds maximum size/)
    expect(text).not.toMatch(/"token"/)
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('35 rotating X-Forwarded-For values share the real peer key and hit the per-IP limit', async () => {
    // From the same peer as the refused batch above: had it counted, the limit would be spent already.
    const codes: string[] = []
    for (let i = 0; i < 35; i++) {
      codes.push((await rawLogin(api.url, `nobody${i}`, WRONG, from(`10.9.${i}.1`))).code)
    }
    expect(codes.slice(0, DEFAULT_LOGIN_LIMITS.perIp.limit)).toEqual(
      Array(DEFAULT_LOGIN_LIMITS.perIp.limit).fill('UNAUTHORIZED'),
    )
    expect(new Set(codes.slice(DEFAULT_LOGIN_LIMITS.perIp.limit))).toEqual(new Set(['TOO_MANY_REQUESTS']))
  }, 120_000)
})
