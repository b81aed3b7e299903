// Makes a migrated database look like a newer DECNET's: one more migration recorded in its ledger.
import Database from 'better-sqlite3'
import pg from 'pg'
import { parseDatabaseUrl } from '../url.ts'

export async function recordUnknownMigration(databaseUrl: string, name: string): Promise<void> {
  const target = parseDatabaseUrl(databaseUrl)
  const appliedAt = new Date().toISOString()
  if (target.kind === 'sqlite') {
    const db = new Database(target.file)
    try {
      db.prepare('INSERT INTO "_decnet_migrations" (name, "appliedAt") VALUES (?, ?)').run(name, appliedAt)
    } finally {
      db.close()
    }
    return
  }
  const client = new pg.Client({ connectionString: target.url })
  await client.connect()
  try {
    await client.query('INSERT INTO "_decnet_migrations" (name, "appliedAt") VALUES ($1, $2)', [
      name,
      appliedAt,
    ])
  } finally {
    await client.end()
  }
}
