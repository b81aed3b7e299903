// Connection settings every SQLite connection gets (Prisma's, the migrator's, the bench's).

import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import type Database from 'better-sqlite3'

/** How long a connection waits for another writer's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 10_000

// WAL: readers never block the writer. NORMAL: safe with WAL, far fewer fsyncs than FULL.
const PRAGMAS = `PRAGMA journal_mode = WAL; PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;`

// A write that changes nothing but still takes the database's write lock.
const TAKE_WRITE_LOCK = 'UPDATE "_decnet_migrations" SET "name" = "name" WHERE 0'

export function applySqlitePragmas(db: Database.Database): void {
  db.exec(PRAGMAS)
}

/** The Prisma adapter, extended to apply the pragmas on every connection it opens. */
export class PragmaSQLiteAdapter extends PrismaBetterSQLite3 {
  constructor(file: string) {
    super({ url: file, timeout: BUSY_TIMEOUT_MS })
  }

  override async connect(): ReturnType<PrismaBetterSQLite3['connect']> {
    const adapter = await super.connect()
    await adapter.executeScript(PRAGMAS)
    // The adapter opens transactions with a deferred BEGIN. A transaction that reads first and
    // writes later then fails at once with SQLITE_BUSY if another connection (another process)
    // wrote in between: the busy timeout does not apply to that upgrade. Taking the write lock as
    // the first statement makes every transaction wait its turn instead (like BEGIN IMMEDIATE).
    const startTransaction = adapter.startTransaction.bind(adapter)
    adapter.startTransaction = async (isolationLevel) => {
      const transaction = await startTransaction(isolationLevel)
      try {
        await adapter.executeScript(TAKE_WRITE_LOCK)
      } catch (error) {
        // End the BEGIN ourselves (Prisma never saw this transaction), then release the adapter's lock.
        await adapter.executeScript('ROLLBACK').catch(() => undefined)
        await transaction.rollback()
        throw error
      }
      return transaction
    }
    return adapter
  }
}
