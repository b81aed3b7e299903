import { afterAll, describe, expect, it } from 'vitest'
import { createDatabase } from '../src/database.ts'
import { ConflictError } from '../src/errors.ts'
import { databases, upgradesFromBefore, user } from './fixtures.ts'

describe.each(databases())('usernames ignore case on $kind', (provider) => {
  afterAll(() => provider.cleanup())

  it('refuses ADMIN beside admin and finds the one user by any case', async () => {
    const { db } = await provider.open()
    const admin = await db.users.create(user('Admin'))
    const duplicate = db.users.create(user('ADMIN'))
    await expect(duplicate).rejects.toBeInstanceOf(ConflictError)
    await expect(duplicate).rejects.toThrow(/regardless of case/)
    for (const spelling of ['admin', 'ADMIN', 'Admin', 'aDmIn']) {
      expect((await db.users.findByUsername(spelling))?.id).toBe(admin.id)
    }
    // The name is kept as it was written.
    expect((await db.users.list()).map((u) => u.username)).toEqual(['Admin'])
  })
})

/** Rows of an old database: two case-duplicate pairs and one user with no twin. */
const OLD_USERS = [
  { id: 'a0000000-0000-4000-8000-000000000001', username: 'admin', createdAt: '2026-01-01T00:00:00.000Z' },
  { id: 'a0000000-0000-4000-8000-000000000002', username: 'ADMIN', createdAt: '2026-02-01T00:00:00.000Z' },
  { id: 'a0000000-0000-4000-8000-000000000003', username: 'Viewer1', createdAt: '2026-01-05T00:00:00.000Z' },
  { id: 'a0000000-0000-4000-8000-000000000004', username: 'viewer1', createdAt: '2026-01-05T00:00:00.000Z' },
  { id: 'a0000000-0000-4000-8000-000000000005', username: 'solo', createdAt: '2026-01-09T00:00:00.000Z' },
]

async function expectDuplicatesSettled(url: string): Promise<void> {
  const db = createDatabase(url)
  try {
    const names = (await db.users.list()).map((u) => u.username).sort()
    // The oldest of each pair keeps its name (same instant: the smaller id); the later one is renamed.
    expect(names).toEqual(
      ['admin', `ADMIN-${OLD_USERS[1]!.id}`, 'Viewer1', `viewer1-${OLD_USERS[3]!.id}`, 'solo'].sort(),
    )
    expect((await db.users.findByUsername('ADMIN'))?.id).toBe(OLD_USERS[0]!.id)
    expect((await db.users.findByUsername('VIEWER1'))?.id).toBe(OLD_USERS[2]!.id)
    // The renamed account still exists and signs in under its new name.
    expect((await db.users.findByUsername(`admin-${OLD_USERS[1]!.id}`))?.id).toBe(OLD_USERS[1]!.id)
    await expect(db.users.create(user('SOLO'))).rejects.toBeInstanceOf(ConflictError)
  } finally {
    await db.close()
  }
}

describe('migration 0005 settles case-duplicates already stored', () => {
  upgradesFromBefore('0005_username_case', {
    // The old rows, dates as each database stored them then (epoch milliseconds in SQLite).
    oldRows: (dialect) =>
      OLD_USERS.map((row) => {
        const at = dialect === 'sqlite' ? Date.parse(row.createdAt) : row.createdAt
        return [
          'INSERT INTO "User" (id, username, "passwordHash", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $4)',
          [row.id, row.username, 'h', at],
        ]
      }),
    check: expectDuplicatesSettled,
  })
})
