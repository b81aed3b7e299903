// Small builders shared by the suites.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, expect, inject, it } from 'vitest'
import type { DecnetDatabase } from '../src/database.ts'
import { migrate } from '../src/migrate.ts'
import type { Dialect, SqlArg } from '../src/sql.ts'
import { type TestDatabase, testDatabases } from '../src/testing/databases.ts'
import { createPostgresDatabase } from '../src/testing/postgres.ts'
import { migratedBefore } from '../src/testing/raw-sql.ts'
import type { DeckyInput } from '../src/types.ts'

/** One SQLite and one PostgreSQL provider; suites run `describe.each(databases())`. */
export const databases = () => testDatabases(inject('postgresAdminUrl'))

/**
 * A fresh database from `provider` for every test, dropped with the suite. Read `db` and `url`
 * inside tests (they change from test to test).
 */
export function freshDatabaseEachTest(provider: TestDatabase): {
  readonly db: DecnetDatabase
  readonly url: string
} {
  let opened: { db: DecnetDatabase; url: string } | undefined
  beforeEach(async () => {
    opened = await provider.open()
  })
  afterAll(() => provider.cleanup())
  const current = () => {
    if (!opened) throw new Error('the test database is opened before each test, not while collecting them')
    return opened
  }
  return {
    get db() {
      return current().db
    },
    get url() {
      return current().url
    },
  }
}

/** A temporary directory for the calling suite, removed with everything in it once the suite ends. */
export function suiteTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * An upgrade test on both databases: a database of each kind as the DECNET before `migration` left
 * it (every earlier migration, then the old rows `oldRows` writes and `seed` adds), migrated now, which
 * must apply `migration` first; `check` then reads what it made of the old rows.
 */
export function upgradesFromBefore(
  migration: string,
  upgrade: {
    oldRows: (dialect: Dialect) => readonly [string, SqlArg[]][]
    seed?: (url: string) => Promise<void>
    check: (url: string) => Promise<void>
  },
): void {
  const dir = suiteTempDir(`decnet-${migration}-`)
  const prefix = migration.split('_')[0] ?? migration
  it.each([
    ['SQLite', async () => `file:${join(dir, 'old.db')}`],
    [
      'PostgreSQL',
      () => createPostgresDatabase(inject('postgresAdminUrl'), `decnet_${migration}_${process.pid}`),
    ],
  ])('%s', async (_, database) => {
    const url = await database()
    await migratedBefore(url, prefix, upgrade.oldRows)
    await upgrade.seed?.(url)
    expect((await migrate(url))[0]).toBe(migration)
    await upgrade.check(url)
  })
}

/** A SQLite database file `name` in `dir`, migrated to the latest schema; returns its path. */
export async function migratedSqliteFile(dir: string, name: string): Promise<string> {
  const file = join(dir, name)
  await migrate(`file:${file}`)
  return file
}

/** A new user's row: a viewer with a set password, unless `overrides` says otherwise. */
export function user(
  username: string,
  overrides: Partial<Parameters<DecnetDatabase['users']['create']>[0]> = {},
): Parameters<DecnetDatabase['users']['create']>[0] {
  return { username, passwordHash: 'h', role: 'viewer', mustChangePassword: false, ...overrides }
}

export function decky(name: string, ip: string, overrides: Partial<DeckyInput> = {}): DeckyInput {
  return {
    name,
    ip,
    mac: '00:1a:2b:3c:4d:5e',
    hostname: `${name}-host`,
    distro: 'debian',
    services: ['ssh', 'http'],
    serviceConfig: { ssh: { version: 'OpenSSH_8.9' } },
    osFamily: 'linux',
    ...overrides,
  }
}

export { logEventFixture as event } from '../src/testing/log-events.ts'
