// Both real databases for the incident suites: SQLite files, and databases on one throwaway
// PostgreSQL server this test file starts on first use and stops when the file is done.
import { ownServerPostgresTestDatabase, sqliteTestDatabase, type TestDatabase } from '@decnet/db/testing'
import { afterAll } from 'vitest'

export type IncidentTestDatabase = TestDatabase

const providers = { sqlite: sqliteTestDatabase(), postgres: ownServerPostgresTestDatabase() }

afterAll(async () => {
  await Promise.all(Object.values(providers).map((provider) => provider.cleanup()))
})

export const incidentDatabases = (): IncidentTestDatabase[] => [providers.sqlite, providers.postgres]

/** One database kind, for a behaviour only that database has. */
export const incidentDatabase = (kind: IncidentTestDatabase['kind']): IncidentTestDatabase => providers[kind]
