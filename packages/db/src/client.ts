// Opens the generated Prisma client for the backend DATABASE_URL names. Only repositories use it.
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient as PostgresClient } from './generated/client/postgres/client.ts'
import { PrismaClient as SqliteClient } from './generated/client/sqlite/client.ts'
import { Mutex } from './mutex.ts'
import { type Dialect, prismaExecutor, type SqlExecutor } from './sql.ts'
import { PragmaSQLiteAdapter, SqliteExecutor } from './sqlite.ts'
import { parseDatabaseUrl } from './url.ts'

/**
 * The repositories are typed against the SQLite client. Both clients are generated from the same
 * domain files, so their model APIs are identical; only the provider (and so the nominal class)
 * differs. The single cast in openClient() relies on that.
 */
export type Prisma = SqliteClient

/** A transaction client: what `$transaction(async (tx) => ...)` hands to its callback. */
export type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0]

export interface Connection {
  readonly prisma: Prisma
  readonly dialect: Dialect
  /** Raw SQL for the hot paths: a plain better-sqlite3 connection on SQLite, Prisma's raw API on PG. */
  readonly sql: SqlExecutor
  /** Runs `work` in a transaction on the raw SQL path. Call inside run(). */
  transaction<T>(work: (sql: SqlExecutor) => Promise<T>): Promise<T>
  /** Runs a repository operation; on SQLite strictly one at a time (see mutex.ts). */
  run<T>(task: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

export function openClient(databaseUrl: string): Connection {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.kind === 'sqlite') {
    const prisma = new SqliteClient({ adapter: new PragmaSQLiteAdapter(target.file) })
    // A second connection, used only under the same mutex as Prisma's, so the two never contend.
    const sql = new SqliteExecutor(target.file)
    const mutex = new Mutex()
    return {
      prisma,
      dialect: 'sqlite',
      sql,
      transaction: (work) => sql.transaction(() => work(sql)),
      run: (task) => mutex.run(task),
      close: async () => {
        await mutex.run(async () => sql.close())
        await prisma.$disconnect()
      },
    }
  }
  const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: target.url, max: 10 }) })
  // Same models, different provider: see the note on `Prisma` above.
  const prisma = client as unknown as Prisma
  return {
    prisma,
    dialect: 'postgres',
    sql: prismaExecutor(prisma, 'postgres'),
    transaction: (work) =>
      prisma.$transaction((tx) => work(prismaExecutor(tx, 'postgres')), { maxWait: 10_000, timeout: 60_000 }),
    run: (task) => task(),
    close: () => client.$disconnect(),
  }
}
