// How the benches fill and time the Log table: a corpus loaded raw (prepared statements in large
// transactions, the FTS triggers still running), and logs.ingest timed per wall-clock and CPU second.
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import type { DecnetDatabase } from '../src/database.ts'
import { logRowValues } from '../src/repos/ingest-write.ts'
import { applySqlitePragmas } from '../src/sqlite.ts'
import type { LogEventInput } from '../src/types.ts'

/** Loads `events` into the migrated SQLite file and runs ANALYZE; the milliseconds it took. */
export function loadLogs(file: string, events: Iterable<LogEventInput>): number {
  const db = new Database(file)
  applySqlitePragmas(db)
  const insert = db.prepare(
    `INSERT INTO "Log" ("timestamp", "decky", "service", "eventType", "attackerIp", "attackerPort", "rawLine", "fields", "searchText", "system")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const start = performance.now()
  let batch: unknown[][] = []
  const flush = db.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(row)
  })
  for (const event of events) {
    // Same text format as the Prisma adapter writes, so range queries compare like with like.
    // better-sqlite3 binds no booleans: the system flag goes in as 0/1, as SQLite stores it.
    const [, ...columns] = logRowValues(event).map((value) =>
      typeof value === 'boolean' ? Number(value) : value,
    )
    batch.push([event.timestamp.toISOString().replace('Z', '+00:00'), ...columns])
    if (batch.length === 10_000) {
      flush(batch)
      batch = []
    }
  }
  flush(batch)
  db.exec('ANALYZE')
  db.close()
  return performance.now() - start
}

/** Events ingested per wall-clock second and per second of this process's CPU time. */
export interface IngestRate {
  wall: number
  cpu: number
}

/** Ingests `events` through logs.ingest in batches of `batch`; throws unless every one was stored. */
export async function timeIngest(
  db: DecnetDatabase,
  events: LogEventInput[],
  batch: number,
): Promise<IngestRate> {
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  for (let i = 0; i < events.length; i += batch) await db.logs.ingest(events.slice(i, i + batch))
  const seconds = (performance.now() - start) / 1000
  const cpu = process.cpuUsage(cpuStart)
  const stored = (await db.logs.counts()).logs
  if (stored !== events.length) throw new Error(`ingest lost events: ${stored} of ${events.length} stored`)
  return { wall: events.length / seconds, cpu: events.length / ((cpu.user + cpu.system) / 1e6) }
}
