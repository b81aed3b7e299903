import type { Log } from '@decnet/core'
import type { LogRow } from '@decnet/db'

/** Field under which the ingester keeps the names of an event's secret fields (from the decoy's secret_fields). */
export const SECRET_FIELDS_KEY = 'secret_fields'
const MASK = '••••••••'

/** Request headers that carry credentials; decoys record headers whole, so these are masked for viewers. */
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'x-auth-token',
])

/** A captured header set (object, or its JSON text) with credential headers masked; null when none was present. */
function maskCredentialHeaders(value: unknown): unknown | null {
  const text = typeof value === 'string' ? value : null
  let headers: unknown = value
  if (text !== null) {
    try {
      headers = JSON.parse(text)
    } catch {
      return null
    }
  }
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return null
  const entries = Object.entries(headers)
  if (!entries.some(([name]) => CREDENTIAL_HEADERS.has(name.toLowerCase()))) return null
  const masked = Object.fromEntries(
    entries.map(([name, header]) => [name, CREDENTIAL_HEADERS.has(name.toLowerCase()) ? MASK : header]),
  )
  return text !== null ? JSON.stringify(masked) : masked
}

function secretFieldNames(fields: Record<string, unknown>): Set<string> {
  const names = fields[SECRET_FIELDS_KEY]
  return new Set(Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : [])
}

/**
 * The wire shape of a log row. Captured secrets (passwords, keys, credential headers) go to admins
 * only; viewers get them masked and without the raw line that would repeat them. The web renders all
 * of it as text.
 */
export function toLogOutput(row: LogRow, revealSecrets: boolean): Log {
  const secrets = secretFieldNames(row.fields)
  const headers = revealSecrets ? null : maskCredentialHeaders(row.fields.headers)
  const masked = !revealSecrets && (secrets.size > 0 || headers !== null)
  const fields = masked
    ? Object.fromEntries(
        Object.entries(row.fields).map(([key, value]) => [
          key,
          secrets.has(key) ? MASK : key === 'headers' && headers !== null ? headers : value,
        ]),
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
