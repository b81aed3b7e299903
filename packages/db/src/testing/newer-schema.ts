// Makes a migrated database look like a newer DECNET's: one more migration recorded in its ledger.
import { executeRaw } from './raw-sql.ts'

export async function recordUnknownMigration(databaseUrl: string, name: string): Promise<void> {
  await executeRaw(databaseUrl, [
    [
      'INSERT INTO "_decnet_migrations" (name, "appliedAt") VALUES ($1, $2)',
      [name, new Date().toISOString()],
    ],
  ])
}
