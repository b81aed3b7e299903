'use client'

import { useState } from 'react'

/** The second step of a destructive action: what it will do, then confirm or cancel. */
export function ConfirmStep({
  question,
  confirmLabel,
  pending,
  onConfirm,
  onCancel,
}: {
  question: string
  confirmLabel: string
  pending: boolean
  onConfirm: () => void
  onCancel: () => void
}) {
  return (
    <div className="row">
      <span className="small">{question}</span>
      <button type="button" className="danger primary" onClick={onConfirm} disabled={pending}>
        {confirmLabel}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  )
}

/**
 * A destructive action's button and its confirmation step. `onConfirm` gets `close`, to call once
 * the action succeeded (e.g. as the mutation's per-call `onSuccess`), so a failure stays on screen.
 */
export function ConfirmAction({
  label,
  ariaLabel,
  question,
  confirmLabel,
  pending,
  onConfirm,
}: {
  label: string
  ariaLabel: string
  question: string
  confirmLabel: string
  pending: boolean
  onConfirm: (close: () => void) => void
}) {
  const [confirming, setConfirming] = useState(false)
  if (!confirming) {
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)} aria-label={ariaLabel}>
        {label}
      </button>
    )
  }
  return (
    <ConfirmStep
      question={question}
      confirmLabel={confirmLabel}
      pending={pending}
      onConfirm={() => onConfirm(() => setConfirming(false))}
      onCancel={() => setConfirming(false)}
    />
  )
}
