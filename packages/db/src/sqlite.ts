// Connection settings every SQLite connection gets (Prisma's, the migrator's, the bench's), the raw
// executor used on the hot paths, and how a connection waits for another process's write lock.
//
// better-sqlite3 is synchronous: SQLite's own busy handler sleeps on the calling thread, which is
// the event loop. So connections serving requests wait only a few milliseconds inside SQLite and
// then retry on a timer (retryWhileBusy) until WRITE_LOCK_DEADLINE_MS: a write blocked by another
// process waits without freezing the process, and reads (own connections, WAL) never wait at all.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import Database from 'better-sqlite3'
import { type SqlArg, type SqlExecutor, sqlitePlan } from './sql.ts'

/**
 * How long one statement blocks the thread inside SQLite waiting for another connection's lock
 * before it fails with SQLITE_BUSY and is retried asynchronously. Short locks (another process's
 * commit) are ridden out here; anything longer is waited for on a timer.
 */
export const BUSY_TIMEOUT_MS = 5

/** How long a statement keeps retrying (asynchronously) a lock another process holds before failing. */
export const WRITE_LOCK_DEADLINE_MS = 60_000

/** Busy timeout of connections nothing else waits on (the migrator runs before the API serves). */
export const BLOCKING_BUSY_TIMEOUT_MS = 10_000

/**
 * Size the -wal file is cut back to whenever SQLite resets it. A big burst can still grow it past
 * this; the idle checkpoint (client.ts) truncates it afterwards.
 */
export const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024

/**
 * Pages the WAL may hold before a commit copies them into the database (SQLite's default is 1,000,
 * 4 MiB: an ingest batch of 5,000 events checkpointed on nearly every commit, copying the same
 * index and full-text pages again each time). 16 MiB, as much as the WAL is cut back to anyway.
 */
export const WAL_AUTOCHECKPOINT_PAGES = WAL_SIZE_LIMIT_BYTES / 4096

// Retry delays: from 2 ms doubling up to 20 ms, so a released lock is taken within ~20 ms (a failed
// attempt costs microseconds; bench/write-contention.bench.ts measured 20 ms no worse than 100 ms).
const RETRY_INITIAL_MS = 2
const RETRY_MAX_MS = 20

// WAL: readers never block the writer. NORMAL: safe with WAL, far fewer fsyncs than FULL.
function pragmas(busyTimeoutMs: number): string {
  return `PRAGMA journal_mode = WAL; PRAGMA busy_timeout = ${busyTimeoutMs}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}; PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES};`
}

// Reads through a read connection must never take the write lock: a write sent there fails loudly.
// They read the file through a memory map (up to SQLite's own 2 GiB cap): a search that looks up
// thousands of rows by id then costs no system call per page (the word + column count at 10M rows:
// 55 → 36 ms). Mapped pages are the kernel's page cache, shared, not this process's heap.
const READ_ONLY = 'PRAGMA query_only = ON; PRAGMA mmap_size = 2147418112;'

// A write that changes nothing but still takes the database's write lock.
const TAKE_WRITE_LOCK = 'UPDATE "_decnet_migrations" SET "name" = "name" WHERE 0'

export function applySqlitePragmas(db: Database.Database, busyTimeoutMs = BUSY_TIMEOUT_MS): void {
  db.exec(pragmas(busyTimeoutMs))
}

/** SQLITE_BUSY (any extended code) from better-sqlite3, or as the Prisma adapter wraps it. */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return true
  const cause = (error as { cause?: { originalCode?: unknown } } | null)?.cause
  return typeof cause?.originalCode === 'string' && cause.originalCode.startsWith('SQLITE_BUSY')
}

/** Statements currently waiting for another process's lock, for health (how long writes are stuck). */
export class LockWaits {
  readonly #since = new Set<{ at: number }>()

  /** Milliseconds the longest current wait has lasted; 0 when nothing waits. */
  longestMs(now = Date.now()): number {
    let longest = 0
    for (const wait of this.#since) longest = Math.max(longest, now - wait.at)
    return longest
  }

  begin(): () => void {
    const wait = { at: Date.now() }
    this.#since.add(wait)
    return () => this.#since.delete(wait)
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs `attempt`; while it fails with SQLITE_BUSY, retries on a timer (the event loop stays free)
 * until `deadlineMs`, then throws the last busy error. Only for work that did nothing when it
 * failed busy: one statement, or a transaction's opening write.
 */
export async function retryWhileBusy<T>(
  attempt: () => T | Promise<T>,
  waits?: LockWaitRecorder,
  deadlineMs = WRITE_LOCK_DEADLINE_MS,
): Promise<T> {
  try {
    return await attempt()
  } catch (error) {
    if (!isBusyError(error)) throw error
  }
  const end = waits?.begin()
  try {
    const deadline = Date.now() + deadlineMs
    let delay = RETRY_INITIAL_MS
    for (;;) {
      await sleep(delay)
      delay = Math.min(delay * 2, RETRY_MAX_MS)
      try {
        return await attempt()
      } catch (error) {
        if (!isBusyError(error) || Date.now() >= deadline) throw error
      }
    }
  } finally {
    end?.()
  }
}

/** Where a connection records that it waits for another connection's lock (LockWaits, or the ingest worker's relay). */
export type LockWaitRecorder = Pick<LockWaits, 'begin'>

type AdapterOptions = {
  /** A read connection: `query_only`, and its transactions do not take the write lock. */
  readOnly?: boolean
  waits?: LockWaitRecorder
}

/** The Prisma adapter, extended to apply the pragmas on every connection and wait for locks on a timer. */
export class PragmaSQLiteAdapter extends PrismaBetterSQLite3 {
  readonly #options: AdapterOptions

  constructor(file: string, options: AdapterOptions = {}) {
    super({ url: file, timeout: BUSY_TIMEOUT_MS })
    this.#options = options
  }

  override async connect(): ReturnType<PrismaBetterSQLite3['connect']> {
    const adapter = await super.connect()
    const { readOnly = false, waits } = this.#options
    await adapter.executeScript(pragmas(BUSY_TIMEOUT_MS) + (readOnly ? READ_ONLY : ''))
    // Statements outside a transaction: a busy failure did nothing, so it is retried as is.
    const queryRaw = adapter.queryRaw.bind(adapter)
    const executeRaw = adapter.executeRaw.bind(adapter)
    const executeScript = adapter.executeScript.bind(adapter)
    adapter.queryRaw = (query) => retryWhileBusy(() => queryRaw(query), waits)
    adapter.executeRaw = (query) => retryWhileBusy(() => executeRaw(query), waits)
    adapter.executeScript = (script) => retryWhileBusy(() => executeScript(script), waits)
    if (readOnly) return adapter
    // The adapter opens transactions with a deferred BEGIN. A transaction that reads first and
    // writes later then fails at once with SQLITE_BUSY if another connection (another process)
    // wrote in between: waiting does not help that upgrade. Taking the write lock as the first
    // statement makes every transaction wait its turn instead (like BEGIN IMMEDIATE); while the
    // lock is taken elsewhere, the BEGIN is rolled back and the whole start retried on a timer.
    const startTransaction = adapter.startTransaction.bind(adapter)
    adapter.startTransaction = (isolationLevel) =>
      retryWhileBusy(async () => {
        const transaction = await startTransaction(isolationLevel)
        try {
          await executeScript(TAKE_WRITE_LOCK)
        } catch (error) {
          // End the BEGIN ourselves (Prisma never saw this transaction), then release the adapter's lock.
          await executeScript('ROLLBACK').catch(() => undefined)
          await transaction.rollback()
          throw error
        }
        return transaction
      }, waits)
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
 * statements are cached, and no query engine sits in between. On the write connection callers hold
 * the handle's mutex; a read connection (`readOnly`) is shared freely (each statement runs whole).
 */
export class SqliteExecutor implements SqlExecutor {
  readonly #db: Database.Database
  readonly #statements = new Map<string, Database.Statement>()
  readonly #waits: LockWaitRecorder | undefined

  constructor(file: string, options: AdapterOptions = {}) {
    this.#db = new Database(file, { timeout: BUSY_TIMEOUT_MS })
    this.#waits = options.waits
    applySqlitePragmas(this.#db)
    if (options.readOnly) this.#db.exec(READ_ONLY)
  }

  #prepare(sql: string, args: readonly SqlArg[]): [Database.Statement, (string | number | null)[]] {
    const { text, count, order } = sqlitePlan(sql)
    let statement = this.#statements.get(text)
    if (!statement) {
      statement = this.#db.prepare(text)
      // Multi-row inserts differ in text by row count; cap the cache so it cannot grow without bound.
      if (this.#statements.size > 500) this.#statements.clear()
      this.#statements.set(text, statement)
    }
    // One pass: reorder (when a statement reuses or reorders `$n`) and convert to SQLite values.
    const values: (string | number | null)[] = new Array(count)
    for (let position = 0; position < count; position++) {
      const index = order === undefined ? position : (order[position] as number)
      const value = args[index]
      if (value === undefined) throw new Error(`missing SQL argument $${index + 1}`)
      values[position] = sqliteValue(value)
    }
    return [statement, values]
  }

  async query<T>(sql: string, args: readonly SqlArg[] = []): Promise<T[]> {
    await this.#yieldInTransaction()
    const [statement, values] = this.#prepare(sql, args)
    return retryWhileBusy(() => statement.all(...values) as T[], this.#waits)
  }

  async execute(sql: string, args: readonly SqlArg[] = []): Promise<number> {
    await this.#yieldInTransaction()
    const [statement, values] = this.#prepare(sql, args)
    return retryWhileBusy(() => statement.run(...values).changes, this.#waits)
  }

  /**
   * Between the statements of a transaction (an ingest batch is dozens of 200-row inserts), lets
   * timers and requests run: otherwise the whole batch holds the event loop, as its awaits only
   * chain microtasks. Reads meanwhile use the read connections and see the last commit.
   */
  async #yieldInTransaction(): Promise<void> {
    if (this.#db.inTransaction) await new Promise<void>((resolve) => setImmediate(resolve))
  }

  /** Runs `work` in an IMMEDIATE transaction (write lock first, so it waits rather than fails). */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await retryWhileBusy(() => this.#db.exec('BEGIN IMMEDIATE'), this.#waits)
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

  /** Copies the WAL into the database and truncates it, unless a lock is in the way (then: next time). */
  checkpoint(): { busy: boolean } {
    const [row] = this.#db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
    return { busy: row?.busy !== 0 }
  }

  close(): void {
    this.#db.close()
  }
}
