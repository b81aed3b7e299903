// Millions of Log rows in seconds for tests of what scales with the table (streamed exports): one
// INSERT … SELECT over a recursive counter inside SQLite, no row crossing into JavaScript. The FTS
// trigger still runs, so the rows are searchable like ingested ones.
import Database from 'better-sqlite3'
import { applySqlitePragmas, BLOCKING_BUSY_TIMEOUT_MS } from '../sqlite.ts'
import { parseDatabaseUrl } from '../url.ts'

export interface BulkLogOptions {
  /** Seconds since the epoch of row 1; row i is i seconds later. */
  startEpochSeconds?: number
}

/**
 * Appends `count` ssh login-attempt rows: decky `bulk-<i % 20>`, attacker `198.51.100.<i % 250>`,
 * a raw line and fields of ~200 bytes each; attack traffic (not `system`). SQLite only (migrated).
 */
export function seedBulkLogs(databaseUrl: string, count: number, options: BulkLogOptions = {}): void {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.kind !== 'sqlite') throw new Error('seedBulkLogs writes SQLite files only')
  const db = new Database(target.file)
  try {
    applySqlitePragmas(db, BLOCKING_BUSY_TIMEOUT_MS)
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO "Log" ("timestamp", "decky", "service", "eventType", "attackerIp", "attackerPort",
         "rawLine", "fields", "searchText", "system")
       SELECT strftime('%Y-%m-%dT%H:%M:%S.000+00:00', ? + i, 'unixepoch'), 'bulk-' || (i % 20), 'ssh',
         'login_attempt', '198.51.100.' || (i % 250), 40000 + (i % 20000),
         '{"event":"login_attempt","username":"root","client":"SSH-2.0-libssh_0.9.6","seq":' || i || '}',
         '{"username":"root","password":"hunter' || i || '","client":"SSH-2.0-libssh_0.9.6","kex":"curve25519-sha256"}',
         'ssh login attempt root libssh ' || i, 0
       FROM n`,
    ).run(count, options.startEpochSeconds ?? 1_764_000_000)
  } finally {
    db.close()
  }
}
