// Connection settings every SQLite connection gets (Prisma's, the migrator's, the bench's), and the
// raw executor used on the hot paths.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import Database from 'better-sqlite3'
import { bindFor, type SqlArg, type SqlExecutor } from './sql.ts'

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

/**
 * Stores a Date exactly as the Prisma SQLite adapter does (ISO-8601 with "+00:00"), so rows written
 * on either path compare and sort as the same text.
 */
export function sqliteDate(date: Date): string {
  return date.toISOString().replace('Z', '+00:00')
}

function sqliteValue(value: SqlArg): string | number | null {
  if (value instanceof Date) return sqliteDate(value)
  if (typeof value === 'boolean') return value ? 1 : 0
  return value
}

/**
 * Raw SQL on a plain better-sqlite3 connection, for the hot paths (ingest, search, claim): prepared
 * statements are cached, and no query engine sits in between. Callers hold the handle's mutex.
 */
export class SqliteExecutor implements SqlExecutor {
  readonly #db: Database.Database
  readonly #statements = new Map<string, Database.Statement>()

  constructor(file: string) {
    this.#db = new Database(file, { timeout: BUSY_TIMEOUT_MS })
    applySqlitePragmas(this.#db)
  }

  #prepare(sql: string, args: readonly SqlArg[]): [Database.Statement, (string | number | null)[]] {
    const [text, values] = bindFor('sqlite', sql, args)
    let statement = this.#statements.get(text)
    if (!statement) {
      statement = this.#db.prepare(text)
      // Multi-row inserts differ in text by row count; cap the cache so it cannot grow without bound.
      if (this.#statements.size > 500) this.#statements.clear()
      this.#statements.set(text, statement)
    }
    return [statement, values.map(sqliteValue)]
  }

  async query<T>(sql: string, args: readonly SqlArg[] = []): Promise<T[]> {
    const [statement, values] = this.#prepare(sql, args)
    return statement.all(...values) as T[]
  }

  async execute(sql: string, args: readonly SqlArg[] = []): Promise<number> {
    const [statement, values] = this.#prepare(sql, args)
    return statement.run(...values).changes
  }

  /** Runs `work` in an IMMEDIATE transaction (write lock first, so it waits rather than fails). */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.#beginImmediate()
    try {
      const result = await work()
      this.#db.exec('COMMIT')
      return result
    } catch (error) {
      // SQLite may already have rolled back by itself (e.g. on a full disk); keep the original error.
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK')
      throw error
    }
  }

  /**
   * BEGIN IMMEDIATE, waiting for the write lock without blocking the event loop: a blocking wait
   * would also stall the holder when it is another handle of this process whose transaction is
   * between two awaits (it could never commit). Retries on a timer; the last try blocks as usual.
   */
  async #beginImmediate(): Promise<void> {
    const deadline = Date.now() + BUSY_TIMEOUT_MS
    while (Date.now() < deadline) {
      this.#db.pragma('busy_timeout = 0')
      try {
        this.#db.exec('BEGIN IMMEDIATE')
        return
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error
      } finally {
        this.#db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    this.#db.exec('BEGIN IMMEDIATE')
  }

  close(): void {
    this.#db.close()
  }
}
