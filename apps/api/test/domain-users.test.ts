// users/user-admin.ts, called directly on a real SQLite database and the in-process bus.
import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase, type TestDatabase } from '@decnet/db/testing'
import { type BusEvent, InProcessBus } from '@decnet/lifecycle'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createUser, deleteUser, resetPassword, setRole } from '../src/users/user-admin.ts'
import { refusal } from './support/refusal.ts'

const STRONG = 'violet-harbour-tunnel-42'

describe('user administration rules', () => {
  let provider: TestDatabase
  let db: DecnetDatabase
  const bus = new InProcessBus()
  const announced: string[] = []
  let services: { db: DecnetDatabase; bus: InProcessBus }

  beforeAll(async () => {
    provider = sqliteTestDatabase()
    ;({ db } = await provider.open())
    services = { db, bus }
    bus.on('session.changed', (event: BusEvent) => {
      if (event.type === 'session.changed') announced.push(event.payload.userId)
    })
  })
  afterAll(() => provider.cleanup())
  beforeEach(async () => {
    for (const user of await db.users.list()) await db.users.delete(user.id)
    announced.length = 0
  })

  it('creates a user who must change the chosen password; a weak one is refused with why', async () => {
    const user = await createUser(services, { username: 'ann', password: STRONG, role: 'viewer' })
    expect(user).toMatchObject({ username: 'ann', role: 'viewer', mustChangePassword: true })
    expect(
      await refusal(createUser(services, { username: 'bob', password: 'short', role: 'viewer' })),
    ).toEqual(['invalid_input', 'passwords need at least 12 characters'])
  })

  it('never lets an admin delete or demote themself, nor remove the last admin', async () => {
    const root = await createUser(services, { username: 'root', password: STRONG, role: 'admin' })
    const viewer = await createUser(services, { username: 'vic', password: STRONG, role: 'viewer' })
    expect(await refusal(deleteUser(services, root.id, root.id))).toEqual([
      'forbidden',
      'you cannot delete your own account',
    ])
    expect(await refusal(setRole(services, root.id, root.id, 'viewer'))).toEqual([
      'forbidden',
      'you cannot demote your own account',
    ])
    expect(await refusal(setRole(services, root.id, root.id, 'admin'))).toEqual([
      'forbidden',
      'you cannot change your own role',
    ])
    // The last admin, acted on by someone else (a viewer's id stands in: the rule is about the target).
    expect(await refusal(deleteUser(services, viewer.id, root.id))).toEqual([
      'conflict',
      'cannot delete the last admin',
    ])
    expect(await refusal(setRole(services, viewer.id, root.id, 'viewer'))).toEqual([
      'conflict',
      'cannot demote the last admin',
    ])
    expect(await refusal(deleteUser(services, root.id, 'no-such-id'))).toEqual([
      'not_found',
      'no user with id no-such-id',
    ])
    expect(await refusal(setRole(services, root.id, 'no-such-id', 'admin'))).toEqual([
      'not_found',
      'no user with id no-such-id',
    ])
    expect(announced).toEqual([])
  })

  it('two admins demoting each other at once: exactly one succeeds, an admin always remains', async () => {
    const a = await createUser(services, { username: 'alpha', password: STRONG, role: 'admin' })
    const b = await createUser(services, { username: 'bravo', password: STRONG, role: 'admin' })
    const results = await Promise.allSettled([
      setRole(services, a.id, b.id, 'viewer'),
      setRole(services, b.id, a.id, 'viewer'),
    ])
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(await db.users.countAdmins()).toBe(1)
  })

  it('promotes, deletes and resets another user, ending their sessions each time', async () => {
    const root = await createUser(services, { username: 'root', password: STRONG, role: 'admin' })
    const viewer = await createUser(services, { username: 'vic', password: STRONG, role: 'viewer' })
    await setRole(services, root.id, viewer.id, 'admin')
    expect((await db.users.findById(viewer.id))?.role).toBe('admin')
    await resetPassword(services, viewer.id, 'another-long-phrase-77')
    expect((await db.users.findById(viewer.id))?.mustChangePassword).toBe(true)
    expect(await refusal(resetPassword(services, viewer.id, 'vicvicvicvic'))).toEqual([
      'invalid_input',
      expect.stringContaining('too easy to guess'),
    ])
    await deleteUser(services, root.id, viewer.id)
    expect(await db.users.findById(viewer.id)).toBeNull()
    expect(announced).toEqual([viewer.id, viewer.id, viewer.id])
  })
})
