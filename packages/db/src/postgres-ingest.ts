// PostgreSQL's ingest writer: ingest batches go over connections of their own, straight through the
// `pg` driver (pg-driver.ts): Prisma's raw API cost ~50 µs of this process's CPU per event on a
// batch's 10,000-parameter statements (bench/ingest.bench.ts).
import type pg from 'pg'
import { pgExecutor, pgPool } from './pg-driver.ts'
import type { IngestWrite } from './repos/ingest-write.ts'
import { writeIngest } from './repos/ingest-write.ts'
import type { IntelAnalyser } from './repos/intel-batch.ts'

/** Connections kept for ingest: one per concurrent writer (collector, local engine), few in practice. */
const INGEST_POOL_SIZE = 4

export class PostgresIngestWriter {
  readonly #pool: pg.Pool

  constructor(url: string) {
    this.#pool = pgPool(url, INGEST_POOL_SIZE)
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
