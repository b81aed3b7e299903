'use client'

import { useEffect, useRef, useState } from 'react'

/**
 * The second step of a destructive action: what it will do, then confirm or cancel. Keyboard users
 * land on Cancel (the safe choice); Escape cancels and gives the focus back to the danger button this
 * step replaced.
 */
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
  const group = useRef<HTMLFieldSetElement>(null)
  const cancelButton = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    cancelButton.current?.focus()
  }, [])
  const cancel = () => {
    const container = group.current?.parentElement
    onCancel()
    // The trigger is rendered again after this state change; focus it once it is in the page.
    if (container) requestAnimationFrame(() => container.querySelector<HTMLElement>('button.danger')?.focus())
  }
  return (
    <fieldset
      ref={group}
      className="row confirm-step"
      aria-label={question}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return
        event.preventDefault()
        cancel()
      }}
    >
      <span className="small">{question}</span>
      <button type="button" className="danger primary" onClick={onConfirm} disabled={pending}>
        {confirmLabel}
      </button>
      <button ref={cancelButton} type="button" onClick={cancel}>
        Cancel
      </button>
    </fieldset>
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
