// PostgreSQL's ingest writer: ingest batches go over connections of their own, straight through the
// `pg` driver. Prisma's raw API costs ~50 µs of this process's CPU per event on a batch's 10,000-
// parameter statements (bench/ingest.bench.ts); the driver binds the same statements for a fraction.
// Everything else on PostgreSQL keeps using Prisma (client.ts).
import pg from 'pg'
import type { IngestWrite } from './repos/ingest-write.ts'
import { writeIngest } from './repos/ingest-write.ts'
import type { IntelAnalyser } from './repos/intel-batch.ts'
import type { SqlArg, SqlExecutor } from './sql.ts'

// Prisma stores DateTime in `timestamp(3)` columns (no zone) as UTC wall time. The driver would
// read those as local time: read them as UTC instead, as Prisma does.
const TIMESTAMP_OID = 1114
const parseUtcTimestamp = (text: string) => new Date(`${text.replace(' ', 'T')}Z`)

function typeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
  if (oid === TIMESTAMP_OID && format !== 'binary') return parseUtcTimestamp
  return pg.types.getTypeParser(oid, format ?? 'text') as (text: string) => unknown
}

/** A Date as the UTC text a zone-less `timestamp` column keeps (the driver would send local time). */
function pgValue(value: SqlArg): Exclude<SqlArg, Date> {
  return value instanceof Date ? value.toISOString() : value
}

/** Raw SQL on one `pg` client (statements already use `$n` placeholders). */
export function pgExecutor(client: pg.ClientBase): SqlExecutor {
  return {
    async query<T>(sql: string, args: readonly SqlArg[] = []): Promise<T[]> {
      return (await client.query(sql, args.map(pgValue))).rows as T[]
    },
    async execute(sql: string, args: readonly SqlArg[] = []): Promise<number> {
      return (await client.query(sql, args.map(pgValue))).rowCount ?? 0
    },
  }
}

/** Connections kept for ingest: one per concurrent writer (collector, local engine), few in practice. */
const INGEST_POOL_SIZE = 4

export class PostgresIngestWriter {
  readonly #pool: pg.Pool

  constructor(url: string) {
    this.#pool = new pg.Pool({
      connectionString: url,
      max: INGEST_POOL_SIZE,
      types: { getTypeParser: typeParser },
    })
    // An idle client losing its connection (server restart) must not crash the process: the pool
    // drops it and the next batch connects again.
    this.#pool.on('error', () => undefined)
  }

  /** Commits one prepared batch in one transaction; resolves with its Log ids in batch order. */
  async write(batch: IngestWrite, analyser: IntelAnalyser): Promise<number[]> {
    const client = await this.#pool.connect()
    let broken: Error | undefined
    try {
      await client.query('BEGIN')
      try {
        const ids = await writeIngest(pgExecutor(client), 'postgres', batch, analyser)
        await client.query('COMMIT')
        return ids
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError
        })
        throw error
      }
    } finally {
      // A connection whose rollback failed is in an unknown state: it is closed, not reused.
      client.release(broken)
    }
  }

  close(): Promise<void> {
    return this.#pool.end()
  }
}
