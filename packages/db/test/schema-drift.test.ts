// Guards against editing a prisma/domains file without adding a migration: the committed migrations
// must build the same tables, columns and indexes as Prisma's own DDL for the current schema.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, inject, it } from 'vitest'
import { migrate } from '../src/migrate.ts'
import { createPostgresDatabase } from '../src/testing/postgres.ts'
import { suiteTempDir } from './fixtures.ts'

const run = promisify(execFile)
const packageDir = fileURLToPath(new URL('..', import.meta.url))

/** Prisma's DDL for the generated schema folder of `provider` (no database is touched for SQLite). */
async function prismaDdl(provider: 'sqlite' | 'postgres', databaseUrl: string): Promise<string> {
  const { stdout } = await run(
    'pnpm',
    [
      'exec',
      'prisma',
      'migrate',
      'diff',
      '--config',
      'prisma/prisma.config.ts',
      '--from-empty',
      '--to-schema-datamodel',
      `src/generated/schema/${provider}`,
      '--script',
    ],
    {
      cwd: packageDir,
      env: {
        ...process.env,
        DECNET_DB_PROVIDER: provider,
        DATABASE_URL: databaseUrl,
        CHECKPOINT_DISABLE: '1',
      },
    },
  )
  return stdout
}

// Objects our own migrations add on purpose (full-text search, migration ledger, the partial index
// of system rows, which Prisma's schema cannot express).
const ours = (name: string) =>
  name.startsWith('LogSearch') ||
  name.startsWith('_decnet') ||
  name === 'Log_search_idx' ||
  name === 'Log_system_timestamp_idx'

describe('committed migrations match the Prisma schema', () => {
  const dir = suiteTempDir('decnet-drift-')

  it('SQLite', async () => {
    const migrated = join(dir, 'migrated.db')
    await migrate(`file:${migrated}`)
    const reference = new Database(join(dir, 'reference.db'))
    reference.exec(await prismaDdl('sqlite', `file:${join(dir, 'unused.db')}`))
    const shape = (db: Database.Database) =>
      (
        db
          .prepare(`SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name`)
          .all() as {
          type: string
          name: string
          sql: string | null
        }[]
      )
        .filter((row) => !ours(row.name) && !row.name.startsWith('sqlite_'))
        // `ALTER TABLE … ADD COLUMN` appends to the stored DDL text with its own spacing: compare the
        // definitions, not their layout.
        .map((row) => ({
          ...row,
          sql: row.sql?.replace(/\s*([,()])\s*/g, '$1').replace(/\s+/g, ' ') ?? null,
        }))
    const actual = new Database(migrated, { readonly: true })
    try {
      expect(shape(actual)).toEqual(shape(reference))
    } finally {
      actual.close()
      reference.close()
    }
  }, 60_000)

  it('PostgreSQL', async () => {
    const admin = inject('postgresAdminUrl')
    const migrated = await createPostgresDatabase(admin, `decnet_drift_m_${process.pid}`)
    const reference = await createPostgresDatabase(admin, `decnet_drift_r_${process.pid}`)
    await migrate(migrated)
    const ddl = await prismaDdl('postgres', reference)
    const shape = async (url: string) => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        if (url === reference) await client.query(ddl)
        const columns = await client.query(
          `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
           WHERE table_schema = 'public' ORDER BY table_name, column_name`,
        )
        const indexes = await client.query(
          `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
        )
        return {
          columns: columns.rows.filter(
            (c) => !ours(c.table_name) && !(c.table_name === 'Log' && c.column_name === 'search'),
          ),
          indexes: indexes.rows.filter((i) => !ours(i.indexname)),
        }
      } finally {
        await client.end()
      }
    }
    expect(await shape(migrated)).toEqual(await shape(reference))
  }, 60_000)
})
