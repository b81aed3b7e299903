'use client'

import { useState } from 'react'
import { formatTime } from '@/lib/format.ts'
import type { RouterOutputs } from '@/trpc/client.ts'
import { SafeCell, SafeText } from './safe-text.tsx'
import { useIsAdmin } from './session.tsx'
import { TableHead } from './table-head.tsx'

export type Log = RouterOutputs['logs']['search']['rows'][number]

const MASK = '••••••••'
const SECRET_FIELDS = 'secret_fields'

// Headers that carry credentials. Decoys record whole header sets; these stay masked until revealed
// even when the event does not list them as secret fields.
const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key)$/i
const CREDENTIAL_TEXT = /"(authorization|proxy-authorization|cookie|x-api-key)"\s*:/i

/** The value with credential-bearing headers masked, if it is a JSON object of headers. */
function maskHeaders(value: unknown): { value: unknown; masked: boolean } {
  if (typeof value !== 'string' || !CREDENTIAL_TEXT.test(value)) return { value, masked: false }
  try {
    const parsed: unknown = JSON.parse(value)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { value, masked: false }
    const entries = Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [
      k,
      CREDENTIAL_HEADERS.test(k) ? MASK : v,
    ])
    return { value: JSON.stringify(Object.fromEntries(entries)), masked: true }
  } catch {
    return { value: MASK, masked: true }
  }
}

export function secretFieldsOf(log: Log): Set<string> {
  const names = log.fields[SECRET_FIELDS]
  return new Set(Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [])
}

/** Fields of one event; secrets stay masked until an admin reveals them (viewers get them masked). */
export function LogFields({ log }: { log: Log }) {
  const isAdmin = useIsAdmin()
  const [revealed, setRevealed] = useState(false)
  const secrets = secretFieldsOf(log)
  const entries = Object.entries(log.fields)
    .filter(([key]) => key !== SECRET_FIELDS)
    .map(([key, value]): [string, unknown, boolean] => {
      if (revealed || secrets.has(key)) return [key, value, false]
      const header = maskHeaders(value)
      return [key, header.value, header.masked]
    })
  const headerSecrets = entries.some(([, , masked]) => masked) || CREDENTIAL_TEXT.test(log.message ?? '')
  const hasSecrets = secrets.size > 0 || headerSecrets
  return (
    <div className="stack">
      <dl className="kv small">
        {entries.map(([key, value, headerMasked]) => (
          <div key={key} style={{ display: 'contents' }}>
            <dt className="mono">{key}</dt>
            <dd className="mono" data-secret={secrets.has(key) || headerMasked ? 'true' : undefined}>
              {secrets.has(key) && !revealed ? (
                <span data-testid="masked-secret">{MASK}</span>
              ) : (
                <SafeText value={value} limit={160} />
              )}
            </dd>
          </div>
        ))}
      </dl>
      {log.message !== undefined && (!hasSecrets || revealed) && (
        <div className="small">
          <span className="muted">raw: </span>
          <span className="mono">
            <SafeText value={log.message} limit={160} />
          </span>
        </div>
      )}
      {hasSecrets && isAdmin && (
        <button type="button" className="link small" onClick={() => setRevealed(!revealed)}>
          {revealed
            ? 'Hide secrets'
            : `Reveal ${secrets.size + (headerSecrets ? 1 : 0) === 1 ? 'secret' : 'secrets'}`}
        </button>
      )}
    </div>
  )
}

export function LogTable({ rows, live, busy }: { rows: Log[]; live?: ReadonlySet<string>; busy?: boolean }) {
  return (
    <table data-testid="log-table" aria-busy={busy ? 'true' : 'false'}>
      <TableHead
        columns={[
          'Time (UTC)',
          'Decky',
          'Service',
          'Event',
          'Attacker',
          { key: 'details', label: 'Details', style: { width: '48%' } },
        ]}
      />
      <tbody>
        {rows.map((log) => (
          <tr
            key={log.id}
            data-testid="log-row"
            data-id={log.id}
            data-live={live?.has(log.id) ? 'true' : undefined}
            data-system={log.system ? 'true' : undefined}
          >
            <td className="mono small nowrap">
              {formatTime(log.timestamp)}
              {live?.has(log.id) && (
                <div>
                  <span className="badge ok">live</span>
                </div>
              )}
              {log.system && (
                <div>
                  <span className="badge" title="DECNET's own readiness probe, not an attack">
                    system
                  </span>
                </div>
              )}
            </td>
            <SafeCell className="mono small" value={log.decky} limit={40} />
            <SafeCell className="small" value={log.service} limit={40} />
            <SafeCell className="small" value={log.eventType} limit={40} />
            <td className="mono small nowrap">
              {log.attackerIp ? (
                <SafeText
                  value={`${log.attackerIp}${log.attackerPort ? `:${log.attackerPort}` : ''}`}
                  limit={60}
                />
              ) : (
                '—'
              )}
            </td>
            <td>
              <LogFields log={log} />
            </td>
          </tr>
        ))}
        {rows.length === 0 && (
          <tr>
            <td colSpan={6} className="muted">
              No log rows match.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  )
}
