'use client'

import type { ExportFormat, ExportTicket } from '@decnet/core/schemas'
import { useState } from 'react'
import { ErrorAlert } from './error-alert.tsx'

const FORMAT_LABELS: Record<ExportFormat, string> = { csv: 'CSV', ndjson: 'NDJSON', stix: 'STIX 2.1' }

/**
 * "Export CSV / NDJSON (/ STIX)": asks the API for a single-use download link (an exports.*
 * mutation, passed in as `start` with the page's current filter) and lets the browser download it
 * (the console proxies /exports/ to the API, so the file streams straight to disk).
 */
export function ExportButton<Format extends ExportFormat>({
  start,
  formats,
  label = 'Export',
}: {
  start: (format: Format) => Promise<ExportTicket>
  /** e.g. TABLE_EXPORT_FORMATS, or EXPORT_FORMATS for incidents (adds STIX). */
  formats: readonly Format[]
  label?: string
}) {
  const [busy, setBusy] = useState<Format | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [note, setNote] = useState<string | null>(null)

  const download = async (format: Format) => {
    setBusy(format)
    setError(null)
    try {
      const ticket = await start(format)
      const link = document.createElement('a')
      link.href = ticket.url
      link.download = ticket.filename
      link.rel = 'noopener'
      document.body.append(link)
      link.click()
      link.remove()
      setNote(
        ticket.secretsOmitted
          ? 'Captured secrets are masked or left out of your exports (admins only).'
          : null,
      )
    } catch (caught) {
      setError(caught)
    } finally {
      setBusy(null)
    }
  }

  return (
    <span className="row" data-testid="export-button">
      <span className="muted small">{label}:</span>
      {formats.map((format) => (
        <button
          key={format}
          type="button"
          disabled={busy !== null}
          onClick={() => download(format)}
          data-testid={`export-${format}`}
        >
          {busy === format ? '…' : FORMAT_LABELS[format]}
        </button>
      ))}
      {note && <span className="muted small">{note}</span>}
      {error !== null && <ErrorAlert error={error} testId="export-error" />}
    </span>
  )
}
