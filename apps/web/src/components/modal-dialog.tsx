'use client'

import { type ReactNode, useEffect, useId, useRef } from 'react'

/**
 * A native modal <dialog>, open while mounted: focus is trapped and Escape calls `onCancel`, as
 * browsers do for modals; `.modal-dialog` centres it over a dimmed page. `children` receives the id its
 * title must carry (aria-labelledby).
 */
export function ModalDialog({
  className,
  testId,
  onCancel,
  children,
}: {
  className: string
  testId: string
  onCancel: () => void
  children: (titleId: string) => ReactNode
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const element = dialog.current
    if (element && !element.open) element.showModal()
    return () => element?.close()
  }, [])
  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      className={`modal-dialog ${className}`}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault()
        onCancel()
      }}
    >
      {children(titleId)}
    </dialog>
  )
}
