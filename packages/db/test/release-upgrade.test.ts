// Every release's fixture database (test/fixtures/releases/<version>/, built by scripts/release-fixture.ts)
// migrates to the current schema on SQLite and PostgreSQL with every row of every table intact.
import { copyFileSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, inject, it } from 'vitest'
import { listMigrations, migrate } from '../src/migrate.ts'
import { countRows, restoreDatabase, snapshotDatabase, type TableCounts } from '../src/snapshot.ts'
import { createPostgresDatabase } from '../src/testing/postgres.ts'
import { suiteTempDir } from './fixtures.ts'

const releasesDir = fileURLToPath(new URL('./fixtures/releases/', import.meta.url))
type Release = { version: string; schema: string; rowCounts: { sqlite: TableCounts; postgres: TableCounts } }
const releases = readdirSync(releasesDir).map(
  (version) => JSON.parse(readFileSync(join(releasesDir, version, 'release.json'), 'utf8')) as Release,
)

/** The release's tables with their counts, the migration ledger aside (it grows by design). */
const dataTables = (counts: TableCounts) =>
  Object.fromEntries(Object.entries(counts).filter(([table]) => table !== '_decnet_migrations'))

describe.each(releases)('release $version fixture', (release) => {
  const dir = suiteTempDir(`decnet-release-${release.version}-`)
  const later = listMigrations('sqlite')
    .map((migration) => migration.name)
    .filter((name) => name > release.schema)

  it('has rows in every table of its schema (so "intact" means something)', () => {
    for (const counts of [release.rowCounts.sqlite, release.rowCounts.postgres]) {
      const empty = Object.entries(counts).filter(([, n]) => n === 0)
      expect(empty).toEqual([])
      expect(Object.keys(dataTables(counts)).length).toBeGreaterThan(20)
    }
  })

  it('SQLite: migrates forward with every row intact', async () => {
    const file = join(dir, 'release.db')
    copyFileSync(join(releasesDir, release.version, 'decnet.sqlite'), file)
    const url = `file:${file}`
    expect(await countRows(url)).toEqual(release.rowCounts.sqlite)
    expect(await migrate(url)).toEqual(later)
    const after = await countRows(url)
    expect(after).toMatchObject(dataTables(release.rowCounts.sqlite))
    expect(after._decnet_migrations).toBe(listMigrations('sqlite').length)
  })

  it('PostgreSQL: migrates forward with every row intact', async () => {
    const url = await createPostgresDatabase(inject('postgresAdminUrl'), `decnet_release_${process.pid}`)
    await restoreDatabase(url, join(releasesDir, release.version, 'decnet.pgdump'), 'postgres')
    expect(await countRows(url)).toEqual(release.rowCounts.postgres)
    expect(await migrate(url)).toEqual(later)
    const after = await countRows(url)
    expect(after).toMatchObject(dataTables(release.rowCounts.postgres))
    expect(after._decnet_migrations).toBe(listMigrations('postgres').length)
    // And the migrated database backs up consistently (the counts the manifest would record).
    const snapshot = await snapshotDatabase(url, join(dir, 'after.pgdump'))
    expect(snapshot.rowCounts).toEqual(after)
    expect(snapshot.migrations).toEqual(listMigrations('postgres').map((migration) => migration.name))
  })
})
