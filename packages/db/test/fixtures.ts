// Small builders shared by the suites.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, inject } from 'vitest'
import type { DecnetDatabase } from '../src/database.ts'
import { migrate } from '../src/migrate.ts'
import { type TestDatabase, testDatabases } from '../src/testing/databases.ts'
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
