// @decnet/db/testing: helpers other packages' tests reuse.

export { type BulkLogOptions, seedBulkLogs } from './bulk-logs.ts'
export {
  ownServerPostgresTestDatabase,
  postgresTestDatabase,
  sqliteTestDatabase,
  type TestDatabase,
  testDatabases,
} from './databases.ts'
export { fixtureIncidentId, fixtureMinute, incidentFixture } from './incidents.ts'
export { type IntelRows, insertIntelRows } from './intel-rows.ts'
export { type AttackKind, attackEventFixture, logEventFixture } from './log-events.ts'
export { recordUnknownMigration } from './newer-schema.ts'
export { type OpenLogInsert, openLogInsert } from './open-log-insert.ts'
export { createPostgresDatabase, findPostgresBinDir, type PostgresServer, startPostgres } from './postgres.ts'
export { buildReleaseFixture } from './release-fixture.ts'
export { type HeldWriteLock, holdWriteLock } from './write-lock.ts'
