// Writes test/fixtures/releases/<version>/: the released schema's database with rows in every table,
// as a SQLite file and a PostgreSQL custom-format dump, plus release.json (schema, row counts).
// Run at release time: pnpm exec tsx scripts/release-fixture.ts <version> <last migration of the release>
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { countRows, snapshotDatabase } from '../src/index.ts'
import { buildReleaseFixture, startPostgres } from '../src/testing/index.ts'

const [version, through] = process.argv.slice(2)
if (!version || !through)
  throw new Error('usage: release-fixture.ts <version> <last migration of the release>')
const out = fileURLToPath(new URL(`../test/fixtures/releases/${version}/`, import.meta.url))
mkdirSync(out, { recursive: true })

const work = mkdtempSync(join(tmpdir(), 'decnet-release-fixture-'))
const sqliteUrl = `file:${join(work, 'decnet.db')}`
await buildReleaseFixture(sqliteUrl, through)
const sqlite = await snapshotDatabase(sqliteUrl, join(out, 'decnet.sqlite'))

const postgres = await startPostgres()
try {
  const url = await postgres.createDatabase('decnet_release_fixture')
  await buildReleaseFixture(url, through)
  const dump = await snapshotDatabase(url, join(out, 'decnet.pgdump'))
  writeFileSync(
    join(out, 'release.json'),
    `${JSON.stringify({ version, schema: through, rowCounts: { sqlite: sqlite.rowCounts, postgres: dump.rowCounts } }, null, 2)}\n`,
  )
  console.log(`release ${version} fixture written to ${out}`, await countRows(sqliteUrl))
} finally {
  postgres.stop()
  rmSync(work, { recursive: true, force: true })
}
