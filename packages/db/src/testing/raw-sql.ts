// Writes straight into a test database, behind the repositories' back (as an old build, a hand edit
// or rows from a stage that has not run would be there), on either database.
import Database from 'better-sqlite3'
import pg from 'pg'
import { listMigrations } from '../migrate.ts'
import { bindFor, type Dialect, type SqlArg } from '../sql.ts'
import { sqliteDate } from '../sqlite.ts'
import { parseDatabaseUrl } from '../url.ts'

type RawConnection = {
  dialect: Dialect
  /** One statement, `$n` placeholders as the repositories write them; Dates as each database stores them. */
  run(sql: string, args?: readonly SqlArg[]): Promise<void>
  /** A script of several statements, no arguments (a migration file). */
  script(sql: string): Promise<void>
}

/** Opens one connection to the database at `databaseUrl`, hands it to `use`, closes it. */
async function withRawConnection(databaseUrl: string, use: (raw: RawConnection) => Promise<void>) {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.kind === 'sqlite') {
    const sqlite = new Database(target.file)
    try {
      await use({
        dialect: 'sqlite',
        run: async (sql, args = []) => {
          const [bound, values] = bindFor('sqlite', sql, args)
          sqlite.prepare(bound).run(...values.map((a) => (a instanceof Date ? sqliteDate(a) : a)))
        },
        script: async (sql) => {
          sqlite.exec(sql)
        },
      })
    } finally {
      sqlite.close()
    }
    return
  }
  const client = new pg.Client({ connectionString: target.url })
  await client.connect()
  try {
    await use({
      dialect: 'postgres',
      run: async (sql, args = []) => {
        await client.query(sql, [...args])
      },
      script: async (sql) => {
        await client.query(sql)
      },
    })
  } finally {
    await client.end()
  }
}

/** Runs the statements in order on one connection. */
export function executeRaw(databaseUrl: string, statements: readonly [string, SqlArg[]][]): Promise<void> {
  return withRawConnection(databaseUrl, async (raw) => {
    for (const [sql, args] of statements) await raw.run(sql, args)
  })
}

/**
 * A database as a DECNET from before migration `before` left it: every earlier migration applied and
 * recorded in the ledger, then the old rows `statements` writes (they may differ per dialect).
 */
export async function migratedBefore(
  databaseUrl: string,
  before: string,
  statements: (dialect: Dialect) => readonly [string, SqlArg[]][] = () => [],
): Promise<void> {
  await withRawConnection(databaseUrl, async (raw) => {
    await raw.script('CREATE TABLE "_decnet_migrations" (name TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)')
    for (const migration of listMigrations(raw.dialect).filter((m) => m.name < before)) {
      await raw.script(migration.sql)
      await raw.run('INSERT INTO "_decnet_migrations" VALUES ($1, $2)', [
        migration.name,
        new Date().toISOString(),
      ])
    }
    for (const [sql, args] of statements(raw.dialect)) await raw.run(sql, args)
  })
}
