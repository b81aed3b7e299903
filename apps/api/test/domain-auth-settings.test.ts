// auth/sign-in.ts, auth/change-password.ts, settings/mutation-interval.ts and logs/purge-telemetry.ts,
// called directly on a real SQLite database.
import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase, type TestDatabase } from '@decnet/db/testing'
import { InProcessBus } from '@decnet/lifecycle'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../src/app-error.ts'
import { changeOwnPassword } from '../src/auth/change-password.ts'
import { createLoginThrottle, DEFAULT_LOGIN_LIMITS } from '../src/auth/login-throttle.ts'
import { hashPassword } from '../src/auth/passwords.ts'
import { createSessionTokenIssuer } from '../src/auth/session-token.ts'
import { signIn, signOut } from '../src/auth/sign-in.ts'
import { loadConfig } from '../src/config.ts'
import { purgeTelemetry } from '../src/logs/purge-telemetry.ts'
import { intervalMinutes, setGlobalMutationInterval } from '../src/settings/mutation-interval.ts'
import { readSettings } from '../src/settings/settings.ts'
import { refusal } from './support/refusal.ts'

const PASSWORD = 'violet-harbour-tunnel-42'

describe('sign-in and own password rules', () => {
  let provider: TestDatabase
  let db: DecnetDatabase
  const tokens = createSessionTokenIssuer(new TextEncoder().encode('a-session-secret-of-enough-length-0123'))
  const bus = new InProcessBus()
  let userId: string

  beforeAll(async () => {
    provider = sqliteTestDatabase()
    ;({ db } = await provider.open())
    const user = await db.users.create({
      username: 'ann',
      passwordHash: await hashPassword(PASSWORD),
      role: 'viewer',
      mustChangePassword: true,
    })
    userId = user.id
  })
  afterAll(() => provider.cleanup())

  it('one answer for an unknown user and a wrong password; a right one gets a token for the user', async () => {
    const limits = { login: createLoginThrottle() }
    const services = { db, limits, tokens }
    const bad = ['unauthenticated', 'invalid username or password']
    expect(await refusal(signIn(services, '192.0.2.1', { username: 'nobody', password: PASSWORD }))).toEqual(
      bad,
    )
    expect(
      await refusal(signIn(services, '192.0.2.1', { username: 'ann', password: 'wrong-password-1' })),
    ).toEqual(bad)
    const session = await signIn(services, '192.0.2.1', { username: 'ANN', password: PASSWORD })
    expect(session.user.id).toBe(userId)
    expect((await tokens.verify(session.token))?.userId).toBe(userId)
  })

  it('signing out revokes that token only and tells its streams', async () => {
    const services = { db, limits: { login: createLoginThrottle() }, tokens }
    const announced: string[] = []
    const stop = bus.on('session.changed', (event) => {
      if (event.type === 'session.changed') announced.push(event.payload.userId)
    })
    const kept = await signIn(services, '192.0.2.3', { username: 'ann', password: PASSWORD })
    const ended = await signIn(services, '192.0.2.3', { username: 'ann', password: PASSWORD })
    await signOut({ db, bus }, { user: ended.user, ...ended.claims })
    stop()
    expect(await db.tokens.isRevoked(ended.claims.jti)).toBe(true)
    expect(await db.tokens.isRevoked(kept.claims.jti)).toBe(false)
    expect(announced).toEqual([userId])
  })

  it('past the per-IP-and-user limit the attempt is refused as rate limited, saying when to retry', async () => {
    const limits = {
      login: createLoginThrottle({
        ...DEFAULT_LOGIN_LIMITS,
        perIpAndUsername: { limit: 2, windowMs: 60_000 },
      }),
    }
    const services = { db, limits, tokens }
    for (let attempt = 0; attempt < 2; attempt++) {
      await refusal(signIn(services, '192.0.2.2', { username: 'ann', password: 'wrong-password-1' }))
    }
    const [code, message] = await refusal(
      signIn(services, '192.0.2.2', { username: 'ann', password: PASSWORD }),
    )
    expect(code).toBe('rate_limited')
    expect(message).toMatch(/^too many failed sign-ins; try again in \d+ s$/)
  })

  it('a password change needs the current one, a different new one, and a strong one', async () => {
    const services = { db, bus, tokens }
    expect(
      await refusal(changeOwnPassword(services, userId, { oldPassword: 'not-it-at-all', newPassword: 'x' })),
    ).toEqual(['unauthenticated', 'the current password is wrong'])
    expect(
      await refusal(changeOwnPassword(services, userId, { oldPassword: PASSWORD, newPassword: PASSWORD })),
    ).toEqual(['invalid_input', 'the new password must differ from the current one'])
    expect(
      await refusal(
        changeOwnPassword(services, userId, { oldPassword: PASSWORD, newPassword: 'annannannann' }),
      ),
    ).toEqual(['invalid_input', expect.stringContaining('too easy to guess')])
    const issued = await changeOwnPassword(services, userId, {
      oldPassword: PASSWORD,
      newPassword: 'copper-meadow-lantern-91',
    })
    expect((await tokens.verify(issued.token))?.userId).toBe(userId)
    expect((await db.users.findById(userId))?.mustChangePassword).toBe(false)
  })
})

describe('mutation intervals and telemetry purge', () => {
  let provider: TestDatabase
  let db: DecnetDatabase
  beforeAll(async () => {
    provider = sqliteTestDatabase()
    ;({ db } = await provider.open())
  })
  afterAll(() => provider.cleanup())

  it('reads interval text as minutes and refuses anything else as invalid input', () => {
    expect(intervalMinutes(null)).toBeNull()
    expect(intervalMinutes('2h')).toBe(120)
    expect(() => intervalMinutes('soon')).toThrow(AppError)
    expect(() => intervalMinutes('soon')).toThrow(/^interval: 'soon' is not an interval like 30m/)
  })

  it('stores a valid global interval and leaves the setting alone when refusing one', async () => {
    await setGlobalMutationInterval(db, '30m')
    expect((await readSettings(db)).globalMutationInterval).toBe('30m')
    expect((await refusal(setGlobalMutationInterval(db, '0m')))[0]).toBe('invalid_input')
    expect((await readSettings(db)).globalMutationInterval).toBe('30m')
  })

  it('purges telemetry only in developer mode', async () => {
    expect(
      await refusal(purgeTelemetry({ db, config: { ...loadConfig({}), developerMode: false } })),
    ).toEqual(['precondition_failed', 'purging telemetry needs developer mode (DECNET_DEVELOPER_MODE=1)'])
    expect(await purgeTelemetry({ db, config: { ...loadConfig({}), developerMode: true } })).toEqual({
      logs: 0,
      credentials: 0,
      attackers: 0,
    })
  })
})
