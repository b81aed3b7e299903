'use client'

import type { ReactNode } from 'react'
import { useDeckyChanged } from '@/lib/decky-changed.ts'
import { ModalDialog } from './modal-dialog.tsx'
import '@/styles/decky.css'

/**
 * The frame of a dialog that changes one decky's services (mutate, edit services): its title naming
 * the decky, the body, then the confirming action, any others, and Cancel last. Escape cancels, as
 * Cancel does. Test ids are `<id>-dialog` and `<id>-confirm`.
 */
export function DeckyChangeDialog({
  id,
  verb,
  name,
  confirm,
  confirmDisabled,
  onConfirm,
  otherActions,
  onClose,
  children,
}: {
  id: string
  /** What the dialog does, before the decky's name in its title. */
  verb: string
  name: string
  /** The confirming button's label. */
  confirm: string
  confirmDisabled: boolean
  onConfirm: () => void
  otherActions?: ReactNode
  onClose: () => void
  children: ReactNode
}) {
  return (
    <ModalDialog className="panel mutate-dialog" testId={`${id}-dialog`} onCancel={onClose}>
      {(titleId) => (
        <>
          <h2 id={titleId} style={{ marginTop: 0 }}>
            {verb} <span className="mono">{name}</span>
          </h2>
          {children}
          <div className="row mutate-buttons">
            <button
              type="button"
              className="primary"
              data-testid={`${id}-confirm`}
              disabled={confirmDisabled}
              onClick={onConfirm}
            >
              {confirm}
            </button>
            {otherActions}
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </>
      )}
    </ModalDialog>
  )
}

/** What a started change of decky `name` does next: the decky's views refresh, `onStarted` hears, it closes. */
export function useChangeStarted<Result>(
  name: string,
  onStarted: (result: Result) => void,
  onClose: () => void,
): (result: Result) => void {
  const deckyChanged = useDeckyChanged(name)
  return (result) => {
    deckyChanged()
    onStarted(result)
    onClose()
  }
}
