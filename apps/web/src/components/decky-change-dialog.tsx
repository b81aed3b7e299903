'use client'

import type { ReactNode } from 'react'
import { useDeckyChanged } from '@/lib/decky-changed.ts'
import { ModalDialog } from './modal-dialog.tsx'
import '@/styles/decky.css'

/**
 * The frame of a dialog that changes one decky's services (mutate, edit services): its title naming
 * the decky, the body, and the action buttons with Cancel last. Escape cancels, as Cancel does.
 */
export function DeckyChangeDialog({
  testId,
  verb,
  name,
  onClose,
  actions,
  children,
}: {
  testId: string
  /** What the dialog does, before the decky's name in its title. */
  verb: string
  name: string
  onClose: () => void
  actions: ReactNode
  children: ReactNode
}) {
  return (
    <ModalDialog className="panel mutate-dialog" testId={testId} onCancel={onClose}>
      {(titleId) => (
        <>
          <h2 id={titleId} style={{ marginTop: 0 }}>
            {verb} <span className="mono">{name}</span>
          </h2>
          {children}
          <div className="row mutate-buttons">
            {actions}
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
