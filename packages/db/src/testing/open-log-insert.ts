// A PostgreSQL transaction left open after inserting one Log row: what a slow ingest transaction
// looks like to everyone else (its id is taken, its row and counts invisible until it commits).
import pg from 'pg'

export interface OpenLogInsert {
  commit(): Promise<void>
  rollback(): Promise<void>
  /** Closes the connection (an open transaction rolls back). */
  end(): Promise<void>
}

export async function openLogInsert(
  url: string,
  row: { timestamp: Date; service?: string; attackerIp: string },
): Promise<OpenLogInsert> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('BEGIN')
    await client.query(
      `INSERT INTO "Log" ("timestamp", "decky", "service", "eventType", "attackerIp", "rawLine")
       VALUES ($1, 'decky-01', $2, 'connect', $3, 'connect')`,
      [row.timestamp, row.service ?? 'ssh', row.attackerIp],
    )
  } catch (error) {
    await client.end()
    throw error
  }
  return {
    commit: async () => void (await client.query('COMMIT')),
    rollback: async () => void (await client.query('ROLLBACK')),
    end: () => client.end(),
  }
}
