// Consistent online snapshots of the whole database for `decnet backup`, and their restore.
// SQLite: `VACUUM INTO` writes a transaction-consistent copy while ingest keeps writing (WAL).
// PostgreSQL: one REPEATABLE READ transaction exports its snapshot; the row counts are taken in it and
// `pg_dump --snapshot` dumps exactly that state, so the counts describe the dump.
import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import pg from 'pg'
import { postgresTool } from './postgres-tools.ts'
import type { Dialect } from './sql.ts'
import { applySqlitePragmas, BLOCKING_BUSY_TIMEOUT_MS } from './sqlite.ts'
import { parseDatabaseUrl } from './url.ts'

const run = promisify(execFile)
const LEDGER = '_decnet_migrations'
// A dump of a big installation: no output cap worth having (pg_dump writes to a file, not stdout).
const TOOL_BUFFER_BYTES = 16 * 1024 * 1024

/** Rows per table (every table of the schema, the migration ledger included). */
export type TableCounts = Record<string, number>

export type DatabaseSnapshot = {
  dialect: Dialect
  /** The migrations the snapshot's schema has (its ledger). */
  migrations: string[]
  /** Rows per table in the snapshot itself. */
  rowCounts: TableCounts
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`

function sqliteCounts(db: Database.Database): TableCounts {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all() as { name: string }[]
  const counts: TableCounts = {}
  for (const { name } of tables) {
    // Full-text search's shadow tables are derived from Log; the virtual table stands for them.
    if (/^LogSearch_/.test(name)) continue
    counts[name] = (db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(name)}`).get() as { n: number }).n
  }
  return counts
}

function sqliteMigrations(db: Database.Database): string[] {
  const ledger = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(LEDGER)
  if (!ledger) return []
  return (db.prepare(`SELECT name FROM ${quoteIdent(LEDGER)} ORDER BY name`).all() as { name: string }[]).map(
    (row) => row.name,
  )
}

async function postgresCounts(client: pg.Client): Promise<TableCounts> {
  const tables = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )
  const counts: TableCounts = {}
  for (const { name } of tables.rows) {
    const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(name)}`)
    counts[name] = Number(result.rows[0]?.n ?? 0)
  }
  return counts
}

async function postgresMigrations(client: pg.Client): Promise<string[]> {
  const exists = await client.query(`SELECT to_regclass($1) AS ledger`, [quoteIdent(LEDGER)])
  if (!exists.rows[0]?.ledger) return []
  const done = await client.query<{ name: string }>(`SELECT name FROM ${quoteIdent(LEDGER)} ORDER BY name`)
  return done.rows.map((row) => row.name)
}

/**
 * Writes a consistent copy of the database at `databaseUrl` to `outFile` (SQLite file, or a pg_dump
 * custom-format archive) while it stays in use, and describes what the copy holds.
 */
export async function snapshotDatabase(databaseUrl: string, outFile: string): Promise<DatabaseSnapshot> {
  const target = parseDatabaseUrl(databaseUrl)
  if (existsSync(outFile)) throw new Error(`${outFile} already exists`)
  if (target.kind === 'sqlite') {
    const source = new Database(target.file, { fileMustExist: true })
    try {
      applySqlitePragmas(source, BLOCKING_BUSY_TIMEOUT_MS)
      source.prepare('VACUUM INTO ?').run(outFile)
    } finally {
      source.close()
    }
    const copy = new Database(outFile, { readonly: true })
    try {
      return { dialect: 'sqlite', migrations: sqliteMigrations(copy), rowCounts: sqliteCounts(copy) }
    } finally {
      copy.close()
    }
  }
  const client = new pg.Client({ connectionString: target.url })
  await client.connect()
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]?.id
    if (!snapshot) throw new Error('PostgreSQL exported no snapshot')
    const rowCounts = await postgresCounts(client)
    const migrations = await postgresMigrations(client)
    // The exported snapshot lives as long as this transaction: pg_dump runs before COMMIT.
    await run(
      postgresTool('pg_dump'),
      [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        `--snapshot=${snapshot}`,
        `--file=${outFile}`,
        target.url,
      ],
      { maxBuffer: TOOL_BUFFER_BYTES },
    )
    await client.query('COMMIT')
    return { dialect: 'postgres', migrations, rowCounts }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    await client.end()
  }
}

/** Rows per table of the database at `databaseUrl` now. */
export async function countRows(databaseUrl: string): Promise<TableCounts> {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.kind === 'sqlite') {
    const db = new Database(target.file, { readonly: true, fileMustExist: true })
    try {
      return sqliteCounts(db)
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({ connectionString: target.url })
  await client.connect()
  try {
    return await postgresCounts(client)
  } finally {
    await client.end()
  }
}

/** True when the database at `databaseUrl` holds no table yet (a fresh install to restore into). */
export async function isEmptyDatabase(databaseUrl: string): Promise<boolean> {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.kind === 'sqlite') return !existsSync(target.file) || statSync(target.file).size === 0
  return Object.keys(await countRowsOrEmpty(target.url)).length === 0
}

async function countRowsOrEmpty(url: string): Promise<TableCounts> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
    )
    return Object.fromEntries(tables.rows.map((row) => [row.name, 0]))
  } finally {
    await client.end()
  }
}

/**
 * Loads a snapshot file into the empty database at `databaseUrl` (refused if it holds anything: a
 * restore never merges into, nor silently replaces, a live database).
 */
export async function restoreDatabase(
  databaseUrl: string,
  snapshotFile: string,
  dialect: Dialect,
): Promise<void> {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.kind !== dialect) {
    throw new Error(`the backup holds a ${dialect} database but DATABASE_URL is ${target.kind}`)
  }
  if (!(await isEmptyDatabase(databaseUrl))) {
    throw new Error('the target database is not empty: restore into a fresh data directory or database')
  }
  if (target.kind === 'sqlite') {
    mkdirSync(dirname(target.file), { recursive: true })
    for (const suffix of ['-wal', '-shm']) rmSync(`${target.file}${suffix}`, { force: true })
    copyFileSync(snapshotFile, target.file)
    return
  }
  await run(
    postgresTool('pg_restore'),
    ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${target.url}`, snapshotFile],
    {
      maxBuffer: TOOL_BUFFER_BYTES,
    },
  )
}
