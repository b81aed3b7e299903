// Opens the generated Prisma client for the backend DATABASE_URL names. Only repositories use it.
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient as PostgresClient } from './generated/client/postgres/client.ts'
import { PrismaClient as SqliteClient } from './generated/client/sqlite/client.ts'
import { Mutex } from './mutex.ts'
import { pgExecutor, pgPool } from './pg-driver.ts'
import { PostgresIngestWriter } from './postgres-ingest.ts'
import { type IngestWrite, writeIngest } from './repos/ingest-write.ts'
import { CORE_INTEL_ANALYSER, type IntelAnalyser } from './repos/intel-batch.ts'
import { type Dialect, prismaExecutor, type SqlExecutor } from './sql.ts'
import { LockWaits, PragmaSQLiteAdapter, SqliteExecutor, WRITE_LOCK_DEADLINE_MS } from './sqlite.ts'
import { IngestWorker } from './sqlite-ingest/ingest-worker.ts'
import { parseDatabaseUrl } from './url.ts'

/**
 * The repositories are typed against the SQLite client. Both clients are generated from the same
 * domain files, so their model APIs are identical; only the provider (and so the nominal class)
 * differs. The single cast in openClient() relies on that.
 */
export type Prisma = SqliteClient

/** A transaction client: what `$transaction(async (tx) => ...)` hands to its callback. */
export type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0]

/** What a read gets: connections that never wait behind this process's writes. */
export interface Reader {
  readonly prisma: Prisma
  readonly sql: SqlExecutor
}

/** The answer to a liveness probe. */
export interface DatabasePing {
  /** How long the longest current write has been waiting for another process's lock (0: none). */
  writeLockWaitMs: number
}

export interface OpenOptions {
  /** SQLite: how often the WAL is checkpointed and truncated while no write is running (default 30 s). */
  walCheckpointIntervalMs?: number
}

export interface Connection {
  readonly prisma: Prisma
  readonly dialect: Dialect
  /** Raw SQL for the hot paths: a plain better-sqlite3 connection on SQLite, Prisma's raw API on PG. */
  readonly sql: SqlExecutor
  /** Runs `work` in a transaction on the raw SQL path. Call inside run(). */
  transaction<T>(work: (sql: SqlExecutor) => Promise<T>): Promise<T>
  /**
   * Commits one prepared ingest batch in one transaction and returns its Log ids in batch order. On
   * SQLite the worker thread that owns ingest's write connection runs it (sqlite-ingest/; rules
   * other than core's run here instead); on PostgreSQL, connections of its own (postgres-ingest.ts).
   * Call inside run(), like every write, so SQLite's transactions never contend with this handle's.
   */
  writeIngest(batch: IngestWrite, analyser: IntelAnalyser): Promise<number[]>
  /** Runs a repository operation that writes (or reads to write); on SQLite one at a time (mutex.ts). */
  run<T>(task: () => Promise<T>): Promise<T>
  /** Runs a read-only operation on the read connections: never queued behind writes. */
  read<T>(task: (reader: Reader) => Promise<T>): Promise<T>
  /** Answers within PING_DEADLINE_MS or throws. */
  ping(): Promise<DatabasePing>
  close(): Promise<void>
}

/** A PostgreSQL transaction still open after this long is rolled back by the client. */
export const PG_TRANSACTION_TIMEOUT_MS = 60_000

/** PostgreSQL connections kept for raw reads (requests run side by side). */
const READ_POOL_SIZE = 10
/**
 * The read connections' memory for one bitmap or sort. At PostgreSQL's 4 MB a full-text match of
 * 100k rows (10M-row table) turns lossy: every row of each page is fetched and rechecked, which
 * doubled a search's count. 32 MB keeps such a bitmap exact.
 */
const READ_WORK_MEM = '32MB'

/** A liveness probe that has not answered by then counts as down. */
export const PING_DEADLINE_MS = 1_000

const DEFAULT_CHECKPOINT_INTERVAL_MS = 30_000

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([work, expired]).finally(() => clearTimeout(timer))
}

export function openClient(databaseUrl: string, options: OpenOptions = {}): Connection {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.kind === 'sqlite') return openSqlite(target.file, options)
  const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: target.url, max: 10 }) })
  // Same models, different provider: see the note on `Prisma` above.
  const prisma = client as unknown as Prisma
  const sql = prismaExecutor(prisma, 'postgres')
  const ingestWriter = new PostgresIngestWriter(target.url)
  // Reads go straight through the driver (pg-driver.ts); Prisma's raw API costs milliseconds a query.
  const readPool = pgPool(target.url, READ_POOL_SIZE, { work_mem: READ_WORK_MEM })
  const readSql = pgExecutor(readPool)
  return {
    prisma,
    dialect: 'postgres',
    sql,
    transaction: (work) =>
      prisma.$transaction((tx) => work(prismaExecutor(tx, 'postgres')), {
        maxWait: 10_000,
        timeout: PG_TRANSACTION_TIMEOUT_MS,
      }),
    writeIngest: (batch, analyser) => ingestWriter.write(batch, analyser),
    run: (task) => task(),
    read: (task) => task({ prisma, sql: readSql }),
    ping: async () => {
      await withDeadline(prisma.$queryRawUnsafe('SELECT 1'), PING_DEADLINE_MS, 'the database')
      return { writeLockWaitMs: 0 }
    },
    close: async () => {
      await Promise.all([ingestWriter.close(), readPool.end()])
      await client.$disconnect()
    },
  }
}

function openSqlite(file: string, options: OpenOptions): Connection {
  const waits = new LockWaits()
  const prisma = new SqliteClient({
    adapter: new PragmaSQLiteAdapter(file, { waits }),
    // Starting a transaction may wait (on a timer) as long as a statement may: see sqlite.ts.
    transactionOptions: { maxWait: WRITE_LOCK_DEADLINE_MS + 5_000, timeout: 5_000 },
  })
  // A second connection, used only under the same mutex as Prisma's, so the two never contend.
  const sql = new SqliteExecutor(file, { waits })
  // Reads: their own connections. WAL gives them a snapshot without waiting for any writer.
  const readSql = new SqliteExecutor(file, { readOnly: true })
  const reader: Reader = {
    prisma: new SqliteClient({ adapter: new PragmaSQLiteAdapter(file, { readOnly: true }) }),
    sql: readSql,
  }
  const mutex = new Mutex()
  const ingestWorker = new IngestWorker(file, waits)
  // Keeps the -wal file small: after a burst it stays at its largest size until truncated, and
  // SQLite's own checkpoints (PASSIVE, on commit) never shrink it. Only while no write runs here;
  // a lock held elsewhere makes it give up at once (busy) and try again next time.
  const checkpoints = setInterval(() => {
    if (!mutex.idle) return
    mutex.run(async () => sql.checkpoint()).catch(() => undefined)
  }, options.walCheckpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS)
  checkpoints.unref()
  return {
    prisma,
    dialect: 'sqlite',
    sql,
    transaction: (work) => sql.transaction(() => work(sql)),
    writeIngest: (batch, analyser) =>
      analyser === CORE_INTEL_ANALYSER
        ? ingestWorker.write(batch)
        : sql.transaction(() => writeIngest(sql, 'sqlite', batch, analyser)),
    run: (task) => mutex.run(task),
    read: (task) => task(reader),
    ping: async () => {
      await withDeadline(reader.sql.query('SELECT 1'), PING_DEADLINE_MS, 'the database')
      return { writeLockWaitMs: waits.longestMs() }
    },
    close: async () => {
      clearInterval(checkpoints)
      await mutex.run(async () => {
        await ingestWorker.close()
        sql.close()
        readSql.close()
      })
      await Promise.all([prisma.$disconnect(), reader.prisma.$disconnect()])
    },
  }
}
