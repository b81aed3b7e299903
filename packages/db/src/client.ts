// Opens the generated Prisma client for the backend DATABASE_URL names. Only repositories use it.
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient as PostgresClient } from './generated/client/postgres/client.ts'
import { PrismaClient as SqliteClient } from './generated/client/sqlite/client.ts'
import { Mutex } from './mutex.ts'
import type { Dialect } from './sql.ts'
import { PragmaSQLiteAdapter } from './sqlite.ts'
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
  /** Runs a repository operation; on SQLite strictly one at a time (see mutex.ts). */
  run<T>(task: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

export function openClient(databaseUrl: string): Connection {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.kind === 'sqlite') {
    const prisma = new SqliteClient({ adapter: new PragmaSQLiteAdapter(target.file) })
    const mutex = new Mutex()
    return {
      prisma,
      dialect: 'sqlite',
      run: (task) => mutex.run(task),
      close: () => prisma.$disconnect(),
    }
  }
  const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: target.url, max: 10 }) })
  // Same models, different provider: see the note on `Prisma` above.
  const prisma = client as unknown as Prisma
  return { prisma, dialect: 'postgres', run: (task) => task(), close: () => client.$disconnect() }
}
