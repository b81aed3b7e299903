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
  const masked = revealSecrets ? undefined : maskEventForViewer(row.fields, row.rawLine)
  // Object literals, not spreads: exports build millions of these, and spread copies were measured
  // to outlive the young generation (the process's memory grew by 100+ MB before a full collection).
  const output: Log = {
    id: String(row.id),
    timestamp: row.timestamp.toISOString(),
    decky: row.decky,
    service: row.service,
    eventType: row.eventType,
    attackerIp: row.attackerIp,
    attackerPort: row.attackerPort,
    system: row.system,
    fields: masked ? masked.fields : row.fields,
  }
  if (!masked?.masked) output.message = row.rawLine
  return output
}
