'use client'

import Link from 'next/link'
import { type MouseEvent, useState } from 'react'
import { formatTime } from '@/lib/format.ts'
import { attackerEventsHref, deckyEventsHref } from '@/lib/log-links.ts'
import type { RouterOutputs } from '@/trpc/client.ts'
import { SafeText } from './safe-text.tsx'
import { useIsAdmin } from './session.tsx'
import { TableHead } from './table-head.tsx'
import '@/styles/logs.css'
import { EmptyRow } from '@/components/table-cells.tsx'

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

/** The event's fields as shown: secrets and credential headers masked unless revealed. */
function shownFields(log: Log, revealed: boolean): { key: string; value: unknown; masked: boolean }[] {
  const secrets = secretFieldsOf(log)
  return Object.entries(log.fields)
    .filter(([key]) => key !== SECRET_FIELDS)
    .map(([key, value]) => {
      if (secrets.has(key)) return { key, value: revealed ? value : MASK, masked: !revealed }
      if (revealed) return { key, value, masked: false }
      const header = maskHeaders(value)
      return { key, value: header.value, masked: header.masked }
    })
}

/** Fields of one event; secrets stay masked until an admin reveals them (viewers get them masked). */
export function LogFields({ log, rawToggle = false }: { log: Log; rawToggle?: boolean }) {
  const isAdmin = useIsAdmin()
  const [revealed, setRevealed] = useState(false)
  const [raw, setRaw] = useState(false)
  const secrets = secretFieldsOf(log)
  const entries = shownFields(log, revealed)
  const headerSecrets =
    entries.some(({ key, masked }) => masked && !secrets.has(key)) || CREDENTIAL_TEXT.test(log.message ?? '')
  const hasSecrets = secrets.size > 0 || headerSecrets
  // The raw line can repeat a secret (a login line, a header dump): it waits for the reveal too.
  const message = log.message !== undefined && (!hasSecrets || revealed) ? log.message : undefined
  return (
    <div className="stack">
      <dl className="kv small">
        {entries.map(({ key, value, masked }) => (
          <div key={key} style={{ display: 'contents' }}>
            <dt className="mono">{key}</dt>
            <dd className="mono" data-secret={masked || secrets.has(key) ? 'true' : undefined}>
              {secrets.has(key) && !revealed ? (
                <span data-testid="masked-secret">{MASK}</span>
              ) : (
                <SafeText value={value} limit={160} />
              )}
            </dd>
          </div>
        ))}
      </dl>
      {message !== undefined && !rawToggle && (
        <div className="small">
          <span className="muted">raw: </span>
          <span className="mono">
            <SafeText value={message} limit={160} />
          </span>
        </div>
      )}
      <div className="row small">
        {hasSecrets && isAdmin && (
          <button type="button" className="link small" onClick={() => setRevealed(!revealed)}>
            {revealed
              ? 'Hide secrets'
              : `Reveal ${secrets.size + (headerSecrets ? 1 : 0) === 1 ? 'secret' : 'secrets'}`}
          </button>
        )}
        {rawToggle && (
          <button
            type="button"
            className="link small"
            aria-expanded={raw}
            onClick={() => setRaw(!raw)}
            data-testid="raw-toggle"
          >
            {raw ? 'Hide raw JSON' : 'Raw JSON'}
          </button>
        )}
      </div>
      {rawToggle && raw && (
        <pre className="log-raw" data-testid="raw-json">
          <SafeText value={rawJson(log, entries, message)} limit={4000} />
        </pre>
      )}
    </div>
  )
}

/** The event as JSON, with the same masking as the fields above it. */
function rawJson(log: Log, entries: { key: string; value: unknown }[], message: string | undefined): string {
  const { fields: _fields, message: _message, ...columns } = log
  return JSON.stringify(
    {
      ...columns,
      fields: Object.fromEntries(entries.map(({ key, value }) => [key, value])),
      ...(message !== undefined ? { message } : {}),
    },
    null,
    2,
  )
}

/** Field keys that say what an event was about, most telling first. */
const SUMMARY_FIELDS = [
  'cmd',
  'command',
  'query',
  'username',
  'user',
  'method',
  'path',
  'url',
  'filename',
  'reason',
]
/** Shown as the value alone (`GET /admin`), the rest as key=value. */
const BARE_FIELDS = new Set(['cmd', 'command', 'method', 'path', 'url'])

/** One short line per event: its most telling fields, else its other plain fields (never a secret). */
export function eventSummary(log: Log): string {
  const secrets = secretFieldsOf(log)
  const plain = Object.entries(log.fields).filter(
    ([key, value]) =>
      key !== SECRET_FIELDS &&
      !secrets.has(key) &&
      value !== null &&
      typeof value !== 'object' &&
      value !== '',
  )
  const telling = SUMMARY_FIELDS.flatMap((key) => plain.filter(([k]) => k === key))
  const parts = (telling.length > 0 ? telling : plain)
    .slice(0, 3)
    .map(([key, value]) => (BARE_FIELDS.has(key) ? String(value) : `${key}=${String(value)}`))
  if (parts.length > 0) return parts.join(' ')
  // A structured raw line (JSON) says nothing the columns do not; a plain one is the event itself.
  const message = log.message ?? ''
  if (secrets.size === 0 && !message.startsWith('{') && !CREDENTIAL_TEXT.test(message)) return message
  return ''
}

/** Clicks on links, buttons or a text selection inside a row do not toggle it. */
function isToggleClick(event: MouseEvent<HTMLElement>): boolean {
  const target = event.target as HTMLElement
  if (target.closest('a, button, input, select, textarea, summary')) return false
  return (window.getSelection()?.toString() ?? '') === ''
}

function LogEntry({ log, live }: { log: Log; live: boolean }) {
  const [open, setOpen] = useState(false)
  const detailId = `log-detail-${log.id}`
  return (
    <tbody
      className="log-entry"
      data-testid="log-row"
      data-id={log.id}
      data-live={live ? 'true' : undefined}
      data-system={log.system ? 'true' : undefined}
      data-open={open ? 'true' : undefined}
    >
      <tr className="log-line" onClick={(event) => isToggleClick(event) && setOpen(!open)}>
        <td className="mono small nowrap">
          <button
            type="button"
            className="log-toggle"
            aria-expanded={open}
            aria-controls={detailId}
            data-testid="log-expand"
            title={open ? 'Hide details' : 'Show details'}
            onClick={() => setOpen(!open)}
          >
            <span aria-hidden="true" className="log-caret">
              {open ? '▾' : '▸'}
            </span>
            {formatTime(log.timestamp)}
          </button>
          {live && <span className="badge ok">live</span>}
          {log.system && (
            <span className="badge" title="DECNET's own readiness probe, not an attack">
              system
            </span>
          )}
        </td>
        <td className="mono small log-cell">
          <SafeText value={log.decky} limit={40} />
        </td>
        <td className="small log-cell">
          <SafeText value={log.service} limit={24} />
        </td>
        <td className="small log-cell">
          <SafeText value={log.eventType} limit={32} />
        </td>
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
        <td className="small log-summary" data-testid="log-summary">
          <SafeText value={eventSummary(log)} limit={160} />
        </td>
      </tr>
      {open && (
        <tr className="log-detail" id={detailId} data-testid="log-detail">
          <td colSpan={6}>
            <div className="row small log-detail-links">
              {log.attackerIp && (
                <Link href={attackerEventsHref(log.attackerIp)} data-testid="attacker-events-link">
                  All events of this attacker
                </Link>
              )}
              <Link href={deckyEventsHref(log.decky)} data-testid="decky-events-link">
                All events of this decky
              </Link>
            </div>
            <LogFields log={log} rawToggle />
          </td>
        </tr>
      )}
    </tbody>
  )
}

/** One line per event (time, decky, service, event, attacker, summary); a click or Enter opens its details. */
export function LogTable({ rows, live, busy }: { rows: Log[]; live?: ReadonlySet<string>; busy?: boolean }) {
  return (
    <table data-testid="log-table" className="log-table" aria-busy={busy ? 'true' : 'false'}>
      <TableHead
        columns={[
          { key: 'time', label: 'Time (UTC)', style: { width: '15em' } },
          { key: 'decky', label: 'Decky', style: { width: '9%' } },
          { key: 'service', label: 'Service', style: { width: '7%' } },
          { key: 'event', label: 'Event', style: { width: '10%' } },
          { key: 'attacker', label: 'Attacker', style: { width: '14em' } },
          'Summary',
        ]}
      />
      {rows.map((log) => (
        <LogEntry key={log.id} log={log} live={live?.has(log.id) ?? false} />
      ))}
      {rows.length === 0 && (
        <tbody>
          <EmptyRow columns={6}>No log rows match.</EmptyRow>
        </tbody>
      )}
    </table>
  )
}
