'use client'

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
