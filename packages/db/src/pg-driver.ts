// Raw SQL straight through the `pg` driver, for PostgreSQL's hot paths: ingest's writes
// (postgres-ingest.ts) and the reads (client.ts). Prisma's raw API costs milliseconds per query and
// ~50 µs per bound parameter of this process's CPU; the driver sends the same statements for a
// fraction. Writes outside ingest keep using Prisma (its transactions).
import pg from 'pg'
import type { SqlArg, SqlExecutor } from './sql.ts'

// Prisma stores DateTime in `timestamp(3)` columns (no zone) as UTC wall time. The driver would
// read those as local time: read them as UTC instead, as Prisma does.
const TIMESTAMP_OID = 1114
const parseUtcTimestamp = (text: string) => new Date(`${text.replace(' ', 'T')}Z`)

function typeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
  if (oid === TIMESTAMP_OID && format !== 'binary') return parseUtcTimestamp
  return pg.types.getTypeParser(oid, format ?? 'text') as (text: string) => unknown
}

/**
 * A pool of at most `max` connections to `url`, reading timestamps as Prisma writes them. `settings`
 * are the connections' own server settings (`-c name=value` at connect).
 */
export function pgPool(url: string, max: number, settings: Record<string, string> = {}): pg.Pool {
  const options = Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ')
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: { getTypeParser: typeParser },
    ...(options ? { options } : {}),
  })
  // An idle client losing its connection (server restart) must not crash the process: the pool
  // drops it and the next query connects again.
  pool.on('error', () => undefined)
  return pool
}

/** A Date as the UTC text a zone-less `timestamp` column keeps (the driver would send local time). */
function pgValue(value: SqlArg): Exclude<SqlArg, Date> {
  return value instanceof Date ? value.toISOString() : value
}

/** Raw SQL on a `pg` client or pool (statements already use `$n` placeholders). */
export function pgExecutor(client: pg.ClientBase | pg.Pool): SqlExecutor {
  return {
    async query<T>(sql: string, args: readonly SqlArg[] = []): Promise<T[]> {
      return (await client.query(sql, args.map(pgValue))).rows as T[]
    },
    async execute(sql: string, args: readonly SqlArg[] = []): Promise<number> {
      return (await client.query(sql, args.map(pgValue))).rowCount ?? 0
    },
  }
}
