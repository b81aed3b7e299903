// Fresh, migrated databases for tests: a SQLite file in a temp dir, or a new database on a running
// test PostgreSQL server. Suites parameterised over both use testDatabases().
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase, type DecnetDatabase } from '../database.ts'
import { migrate } from '../migrate.ts'
import type { Dialect } from '../sql.ts'
import { createPostgresDatabase, type PostgresServer, startPostgres } from './postgres.ts'

export interface TestDatabase {
  readonly kind: Dialect
  /** Creates a new empty, migrated database and returns its URL. */
  freshUrl(): Promise<string>
  /** freshUrl() + createDatabase(); the handle is closed by cleanup(). */
  open(): Promise<{ db: DecnetDatabase; url: string }>
  cleanup(): Promise<void>
}

let counter = 0

function tracker(
  kind: TestDatabase['kind'],
  makeUrl: () => Promise<string>,
  onCleanup: () => void | Promise<void>,
): TestDatabase {
  const handles: DecnetDatabase[] = []
  const freshUrl = async () => {
    const url = await makeUrl()
    await migrate(url)
    return url
  }
  return {
    kind,
    freshUrl,
    async open() {
      const url = await freshUrl()
      const db = createDatabase(url)
      handles.push(db)
      return { db, url }
    },
    async cleanup() {
      await Promise.all(handles.splice(0).map((db) => db.close()))
      await onCleanup()
    },
  }
}

export function sqliteTestDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-sqlite-'))
  return tracker(
    'sqlite',
    async () => `file:${join(dir, `db-${++counter}.db`)}`,
    () => rmSync(dir, { recursive: true, force: true }),
  )
}

export function postgresTestDatabase(adminUrl: string): TestDatabase {
  return tracker(
    'postgres',
    () => createPostgresDatabase(adminUrl, `decnet_${process.pid}_${++counter}`),
    () => undefined,
  )
}

/** PostgreSQL on a throwaway server of its own, started on first use and stopped by cleanup(). */
export function ownServerPostgresTestDatabase(): TestDatabase {
  let server: Promise<PostgresServer> | undefined
  return tracker(
    'postgres',
    async () => {
      server ??= startPostgres()
      return createPostgresDatabase((await server).url, `decnet_${process.pid}_${++counter}`)
    },
    async () => {
      if (server) (await server).stop()
    },
  )
}

/** A SQLite provider and a PostgreSQL provider on the server `postgresAdminUrl` points at. */
export function testDatabases(postgresAdminUrl: string): TestDatabase[] {
  return [sqliteTestDatabase(), postgresTestDatabase(postgresAdminUrl)]
}
