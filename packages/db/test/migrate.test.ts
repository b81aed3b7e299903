import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, inject, it } from 'vitest'
import { createDatabase } from '../src/database.ts'
import { appliedMigrations, listMigrations, migrate, SchemaTooNewError } from '../src/migrate.ts'
import { BUSY_TIMEOUT_MS, PragmaSQLiteAdapter, WAL_SIZE_LIMIT_BYTES } from '../src/sqlite.ts'
import { recordUnknownMigration } from '../src/testing/newer-schema.ts'
import { createPostgresDatabase } from '../src/testing/postgres.ts'
import { parseDatabaseUrl } from '../src/url.ts'
import { migratedSqliteFile, suiteTempDir } from './fixtures.ts'

describe('migrate', () => {
  const dir = suiteTempDir('decnet-migrate-')

  it('has the same migration names for both databases', () => {
    expect(listMigrations('sqlite').map((m) => m.name)).toEqual(listMigrations('postgres').map((m) => m.name))
  })

  it('SQLite: applies every migration once, records them, and sets WAL', async () => {
    const file = join(dir, 'fresh', 'data', 'a.db') // the data directory does not exist yet
    const url = `file:${file}`
    expect(await migrate(url)).toEqual(listMigrations('sqlite').map((m) => m.name))
    expect(await migrate(url)).toEqual([])
    const raw = new Database(file, { readonly: true })
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
      const applied = raw.prepare('SELECT name FROM "_decnet_migrations" ORDER BY name').all()
      expect(applied).toHaveLength(listMigrations('sqlite').length)
    } finally {
      raw.close()
    }
  })

  it('SQLite: concurrent migrators on one file apply each migration exactly once', async () => {
    const url = `file:${join(dir, 'b.db')}`
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)])
    expect(results.flat().sort()).toEqual(listMigrations('sqlite').map((m) => m.name))
  })

  it('SQLite: every Prisma connection runs with WAL, a short busy_timeout, synchronous=NORMAL and a WAL size limit', async () => {
    const file = await migratedSqliteFile(dir, 'c.db')
    const adapter = await new PragmaSQLiteAdapter(file).connect()
    const pragma = async (name: string) =>
      (await adapter.queryRaw({ sql: `PRAGMA ${name}`, args: [], argTypes: [] })).rows[0]?.[0]
    try {
      expect(await pragma('journal_mode')).toBe('wal')
      expect(Number(await pragma('busy_timeout'))).toBe(BUSY_TIMEOUT_MS)
      expect(Number(await pragma('synchronous'))).toBe(1) // NORMAL
      expect(Number(await pragma('journal_size_limit'))).toBe(WAL_SIZE_LIMIT_BYTES)
    } finally {
      await adapter.dispose()
    }
    const db = createDatabase(`file:${file}`)
    expect(await db.ping()).toEqual({ writeLockWaitMs: 0 })
    await db.close()
  })

  it('PostgreSQL: concurrent migrators apply each migration exactly once (advisory lock)', async () => {
    const url = await createPostgresDatabase(inject('postgresAdminUrl'), `decnet_migrate_${process.pid}`)
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)])
    expect(results.flat().sort()).toEqual(listMigrations('postgres').map((m) => m.name))
    expect(await migrate(url)).toEqual([])
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM "_decnet_migrations"')
      expect(Number(rows[0]?.n)).toBe(listMigrations('postgres').length)
    } finally {
      await client.end()
    }
  })

  it('SQLite and PostgreSQL: refuse, applying nothing, a database a newer DECNET migrated', async () => {
    const future = '9999_from_a_newer_decnet'
    const file = join(dir, 'newer.db')
    const raw = new Database(file)
    raw.exec('CREATE TABLE "_decnet_migrations" (name TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)')
    raw.prepare('INSERT INTO "_decnet_migrations" VALUES (?, ?)').run(future, new Date().toISOString())
    raw.close()
    await expect(migrate(`file:${file}`)).rejects.toThrow(SchemaTooNewError)
    await expect(migrate(`file:${file}`)).rejects.toThrow(/newer DECNET.*9999_from_a_newer_decnet/)
    expect(await appliedMigrations(`file:${file}`)).toEqual([future])

    const url = await createPostgresDatabase(inject('postgresAdminUrl'), `decnet_newer_${process.pid}`)
    await migrate(url)
    await recordUnknownMigration(url, future)
    await expect(migrate(url)).rejects.toThrow(SchemaTooNewError)
    expect(await appliedMigrations(url)).toEqual([...listMigrations('postgres').map((m) => m.name), future])
  })

  it('parses DATABASE_URL into a backend', () => {
    expect(parseDatabaseUrl('file:/data/decnet.db')).toEqual({ kind: 'sqlite', file: '/data/decnet.db' })
    expect(parseDatabaseUrl('postgres://u@h/db')).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' })
    expect(parseDatabaseUrl('postgresql://u@h/db').kind).toBe('postgres')
    expect(() => parseDatabaseUrl('mysql://x')).toThrow('DATABASE_URL must start with')
  })
})
