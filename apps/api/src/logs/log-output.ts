import type { Log } from '@decnet/core'
import type { LogRow } from '@decnet/db'

/** Field under which the ingester keeps the names of an event's secret fields (from the decoy's secret_fields). */
export const SECRET_FIELDS_KEY = 'secret_fields'
const MASK = '••••••••'

function secretFieldNames(fields: Record<string, unknown>): Set<string> {
  const names = fields[SECRET_FIELDS_KEY]
  return new Set(Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : [])
}

/**
 * The wire shape of a log row. Captured secrets (passwords, keys) go to admins only; viewers get them
 * masked and without the raw line that would repeat them. The web renders all of it as text.
 */
export function toLogOutput(row: LogRow, revealSecrets: boolean): Log {
  const secrets = secretFieldNames(row.fields)
  const masked = !revealSecrets && secrets.size > 0
  const fields = masked
    ? Object.fromEntries(
        Object.entries(row.fields).map(([key, value]) => [key, secrets.has(key) ? MASK : value]),
      )
    : row.fields
  return {
    id: String(row.id),
    timestamp: row.timestamp.toISOString(),
    decky: row.decky,
    service: row.service,
    eventType: row.eventType,
    attackerIp: row.attackerIp,
    attackerPort: row.attackerPort,
    fields,
    ...(masked ? {} : { message: row.rawLine }),
  }
}
