// Applies the committed SQL migrations (migrations/<sqlite|postgres>/<name>/migration.sql) in name
// order, each once, each in its own transaction, recording them in "_decnet_migrations".
// Prisma's own `migrate deploy` cannot run here for PostgreSQL (its wasm engine fails on PG) and
// needs a workaround on SQLite, so one small runner serves both. Safe to call on every start,
// and from several processes at once (SQLite: immediate transaction; PostgreSQL: advisory lock).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { Dialect } from './sql.ts'
import { applySqlitePragmas, BLOCKING_BUSY_TIMEOUT_MS } from './sqlite.ts'
import { parseDatabaseUrl } from './url.ts'

const migrationsRoot = fileURLToPath(new URL('../migrations/', import.meta.url))
const ledger =
  'CREATE TABLE IF NOT EXISTS "_decnet_migrations" (name TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)'
// Arbitrary constant: the advisory lock key that serialises concurrent migrators on one PG database.
const PG_MIGRATION_LOCK = 4_271_998_101

export interface Migration {
  name: string
  sql: string
}

export function listMigrations(kind: Dialect): Migration[] {
  const dir = join(migrationsRoot, kind)
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name, 'migration.sql'), 'utf8') }))
}

/**
 * The database was migrated by a newer DECNET: it holds migrations this code does not have. Nothing
 * may run on it (this code would write rows the newer schema does not expect); upgrade DECNET instead.
 */
export class SchemaTooNewError extends Error {
  readonly unknownMigrations: string[]
  constructor(unknownMigrations: string[]) {
    super(
      `the database was migrated by a newer DECNET (it has migration${unknownMigrations.length > 1 ? 's' : ''} ` +
        `${unknownMigrations.join(', ')}, which this version does not know; its newest is ${latestMigration()}). ` +
        'Refusing to use it: run the newer DECNET, or restore a backup taken by this version.',
    )
    this.name = 'SchemaTooNewError'
    this.unknownMigrations = unknownMigrations
  }
}

/** The newest migration this code ships (the schema version a backup records). */
export function latestMigration(): string {
  return listMigrations('sqlite').at(-1)?.name ?? ''
}

/** Throws SchemaTooNewError when `applied` names a migration this code does not ship. */
export function assertSchemaNotNewer(kind: Dialect, applied: Iterable<string>): void {
  const known = new Set(listMigrations(kind).map((migration) => migration.name))
  const unknown = [...applied].filter((name) => !known.has(name)).sort()
  if (unknown.length > 0) throw new SchemaTooNewError(unknown)
}

/** The migrations recorded as applied in the database at `databaseUrl` (empty for a fresh one). */
export async function appliedMigrations(databaseUrl: string): Promise<string[]> {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.kind === 'sqlite') {
    const db = new Database(target.file, { readonly: true, fileMustExist: true })
    try {
      const hasLedger = db
        .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_decnet_migrations'`)
        .get()
      if (!hasLedger) return []
      return (
        db.prepare('SELECT name FROM "_decnet_migrations" ORDER BY name').all() as { name: string }[]
      ).map((row) => row.name)
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({ connectionString: target.url })
  await client.connect()
  try {
    const exists = await client.query(`SELECT to_regclass('"_decnet_migrations"') AS ledger`)
    if (!exists.rows[0]?.ledger) return []
    const done = await client.query<{ name: string }>('SELECT name FROM "_decnet_migrations" ORDER BY name')
    return done.rows.map((row) => row.name)
  } finally {
    await client.end()
  }
}

/**
 * Brings the database at `databaseUrl` up to date. Returns the names of the migrations it applied.
 * Throws SchemaTooNewError, touching nothing, on a database a newer DECNET migrated.
 */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<string[]> {
  const target = parseDatabaseUrl(databaseUrl)
  const wanted = (kind: Dialect) =>
    listMigrations(kind).filter(
      (migration) => options.through === undefined || migration.name <= options.through,
    )
  return target.kind === 'sqlite'
    ? migrateSqlite(target.file, wanted('sqlite'))
    : migratePostgres(target.url, wanted('postgres'))
}

export type MigrateOptions = {
  /** Stop after this migration (a past release's schema: release fixtures are built with it). */
  through?: string
}

function migrateSqlite(file: string, migrations: Migration[]): string[] {
  // A fresh install has no data directory yet.
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  try {
    // Migrations run before the process serves anything: blocking while another migrator works is fine.
    applySqlitePragmas(db, BLOCKING_BUSY_TIMEOUT_MS)
    db.exec(ledger)
    assertSchemaNotNewer(
      'sqlite',
      (db.prepare('SELECT name FROM "_decnet_migrations"').all() as { name: string }[]).map(
        (row) => row.name,
      ),
    )
    const applied: string[] = []
    const isApplied = db.prepare('SELECT 1 FROM "_decnet_migrations" WHERE name = ?')
    const record = db.prepare('INSERT INTO "_decnet_migrations" (name, "appliedAt") VALUES (?, ?)')
    for (const migration of migrations) {
      // IMMEDIATE takes the write lock before the check, so two migrators cannot both apply it.
      db.transaction(() => {
        if (isApplied.get(migration.name)) return
        db.exec(migration.sql)
        record.run(migration.name, new Date().toISOString())
        applied.push(migration.name)
      }).immediate()
    }
    return applied
  } finally {
    db.close()
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PG_MIGRATION_LOCK])
    await client.query(ledger)
    const done = await client.query<{ name: string }>('SELECT name FROM "_decnet_migrations"')
    const appliedBefore = new Set(done.rows.map((row) => row.name))
    assertSchemaNotNewer('postgres', appliedBefore)
    const applied: string[] = []
    for (const migration of migrations) {
      if (appliedBefore.has(migration.name)) continue
      await client.query('BEGIN')
      try {
        await client.query(migration.sql)
        await client.query('INSERT INTO "_decnet_migrations" (name, "appliedAt") VALUES ($1, $2)', [
          migration.name,
          new Date().toISOString(),
        ])
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`)
      }
      applied.push(migration.name)
    }
    return applied
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATION_LOCK]).catch(() => undefined)
    await client.end()
  }
}
