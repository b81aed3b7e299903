// The captured field keys of recent log events: what the Logs search box offers to complete `key:`.
import { parseObject } from '@decnet/core'
import type { Connection } from '../client.ts'

/** Recent rows sampled: the decoys' field sets are small and stable, so the newest rows show them all. */
export const FIELD_SAMPLE_ROWS = 2000
export const MAX_FIELD_KEYS = 200
const MAX_KEY_LENGTH = 64
/** Bookkeeping keys the decoys add to an event, not something an operator searches. */
const HIDDEN_KEYS = new Set(['secret_fields'])

export interface FieldKey {
  name: string
  /** Rows of the sample carrying it. */
  count: number
}

export function logFieldsRepository(conn: Connection) {
  return {
    /** Field keys of the newest attack events, most common first (a bounded read of the id index). */
    recentKeys(sampleRows = FIELD_SAMPLE_ROWS): Promise<FieldKey[]> {
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<{ fields: string }>(
          `SELECT "fields" FROM "Log" WHERE "system" = FALSE ORDER BY "id" DESC LIMIT $1`,
          [sampleRows],
        )
        const counts = new Map<string, number>()
        for (const row of rows) {
          for (const key of Object.keys(parseObject(row.fields))) {
            if (HIDDEN_KEYS.has(key) || key.length > MAX_KEY_LENGTH || !/[\p{L}\p{N}]/u.test(key)) continue
            counts.set(key, (counts.get(key) ?? 0) + 1)
          }
        }
        return [...counts]
          .map(([name, count]) => ({ name, count }))
          .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1))
          .slice(0, MAX_FIELD_KEYS)
      })
    },
  }
}
