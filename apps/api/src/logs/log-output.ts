import type { Log } from '@decnet/core'
import type { LogRow } from '@decnet/db'
import { maskEventForViewer } from './secret-mask.ts'

/**
 * The wire shape of a log row. Captured secrets (passwords, keys, credential headers, form fields,
 * `user:pass@` URLs …) go to admins only; viewers get them masked by the one policy in secret-mask.ts,
 * and without the raw line whenever anything in the event was masked (the line would repeat it in
 * shapes no pattern can promise to catch). The web renders all of it as text.
 */
export function toLogOutput(row: LogRow, revealSecrets: boolean): Log {
  const base = {
    id: String(row.id),
    timestamp: row.timestamp.toISOString(),
    decky: row.decky,
    service: row.service,
    eventType: row.eventType,
    attackerIp: row.attackerIp,
    attackerPort: row.attackerPort,
    system: row.system,
  }
  if (revealSecrets) return { ...base, fields: row.fields, message: row.rawLine }
  const { fields, masked } = maskEventForViewer(row.fields, row.rawLine)
  return { ...base, fields, ...(masked ? {} : { message: row.rawLine }) }
}
