'use client'

import { INCIDENT_NOTE_MAX } from '@decnet/core/schemas'
import { type FormEvent, type ReactNode, useState } from 'react'
import { ErrorAlert } from './error-alert.tsx'
import { ModalDialog } from './modal-dialog.tsx'

/**
 * A modal asking for an optional note before an action (acknowledge, resolve). Native <dialog>:
 * focus is trapped and Escape cancels, as browsers do for modals.
 */
export function NoteDialog({
  title,
  confirmLabel,
  initialNote,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  title: ReactNode
  confirmLabel: string
  initialNote: string
  pending: boolean
  error: unknown
  onConfirm: (note: string) => void
  onCancel: () => void
}) {
  const [note, setNote] = useState(initialNote)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    onConfirm(note)
  }
  return (
    <ModalDialog className="panel note-dialog" testId="note-dialog" onCancel={onCancel}>
      {(titleId) => (
        <>
          <form onSubmit={submit} className="stack">
            <h2 id={titleId} style={{ marginTop: 0 }}>
              {title}
            </h2>
            <label className="field">
              <span>Note (optional)</span>
              <textarea
                value={note}
                onChange={(e) => setNote(e.target.value)}
                maxLength={INCIDENT_NOTE_MAX}
                rows={5}
                data-testid="note-input"
              />
              <span className="help">
                {note.length.toLocaleString('en')} / {INCIDENT_NOTE_MAX.toLocaleString('en')} characters
              </span>
            </label>
            {error ? <ErrorAlert error={error} testId="note-error" /> : null}
            <div className="row">
              <button type="submit" className="primary" disabled={pending}>
                {confirmLabel}
              </button>
              <button type="button" onClick={onCancel}>
                Cancel
              </button>
            </div>
          </form>
        </>
      )}
    </ModalDialog>
  )
}
