'use client'

import type { DeckyState } from '@decnet/core/schemas'
import { useMutation } from '@tanstack/react-query'
import { type ReactNode, useState } from 'react'
import { ConfirmStep } from '@/components/confirm-step.tsx'
import { MutateDialog } from '@/components/mutate-dialog.tsx'
import { operationCallbacks } from '@/lib/operation-callbacks.ts'
import { useTRPC } from '@/trpc/client.ts'

/** The badge class for each decky state, shared by the fleet list, its state filter and a decky's page. */
export const DECKY_STATE_BADGE: Record<DeckyState, string> = {
  pending: 'badge',
  running: 'badge ok',
  degraded: 'badge warn',
  missing: 'badge bad',
  failed: 'badge bad',
  unknown: 'badge warn',
  pending_removal: 'badge warn',
}

/**
 * A decky's state badge and the operations under way on it: beside the badge, or on a line `below`
 * it (a table cell).
 */
export function DeckyStatus({
  decky,
  below = false,
}: {
  decky: { state: DeckyState; activeOperations: readonly { operation: string }[] }
  below?: boolean
}) {
  const Operations = below ? 'div' : 'span'
  return (
    <>
      <span className={DECKY_STATE_BADGE[decky.state]} data-testid="decky-state">
        {decky.state}
      </span>
      {decky.activeOperations.length > 0 && (
        <Operations className="muted small" data-testid="decky-operations">
          {decky.activeOperations.map((op) => op.operation).join(', ')} under way
        </Operations>
      )}
    </>
  )
}

/**
 * An admin's actions on one decky: Mutate (with its confirmation dialog), Repair, `children`
 * (page-specific actions), then Tear down, which asks first. Each started operation is tracked, its
 * message shown through `onMessage`, then `refresh` (repair, mutate) or `afterTeardown` runs.
 */
export function DeckyActions({
  name,
  onMessage,
  refresh,
  afterTeardown,
  className,
  testId,
  children,
}: {
  name: string
  onMessage: (message: string) => void
  refresh: () => void
  afterTeardown: () => void
  className: string
  testId?: string
  children?: ReactNode
}) {
  const trpc = useTRPC()
  const [confirming, setConfirming] = useState(false)
  const [mutating, setMutating] = useState(false)
  const repairDone = operationCallbacks('repair', name, onMessage, refresh)
  const repair = useMutation(
    trpc.fleet.repair.mutationOptions({
      ...repairDone,
      onSuccess: (result) =>
        repairDone.onSuccess({ message: result.message, lifecycleIds: [result.lifecycleId] }),
    }),
  )
  const teardown = useMutation(
    trpc.fleet.teardown.mutationOptions(
      operationCallbacks('teardown', name, onMessage, () => {
        setConfirming(false)
        afterTeardown()
      }),
    ),
  )
  const mutateDone = operationCallbacks('mutate', name, onMessage, refresh)

  if (confirming) {
    return (
      <ConfirmStep
        question={`Remove ${name} and its containers?`}
        confirmLabel="Confirm teardown"
        pending={teardown.isPending}
        onConfirm={() => teardown.mutate({ name })}
        onCancel={() => setConfirming(false)}
      />
    )
  }
  return (
    <>
      <div className={className} data-testid={testId}>
        <button type="button" onClick={() => setMutating(true)} aria-label={`Mutate ${name}`}>
          Mutate
        </button>
        <button
          type="button"
          onClick={() => repair.mutate({ name })}
          disabled={repair.isPending}
          aria-label={`Repair ${name}`}
        >
          Repair
        </button>
        {children}
        <button
          type="button"
          className="danger"
          onClick={() => setConfirming(true)}
          aria-label={`Tear down ${name}`}
        >
          Tear down
        </button>
      </div>
      {mutating && (
        <MutateDialog name={name} onClose={() => setMutating(false)} onStarted={mutateDone.onSuccess} />
      )}
    </>
  )
}
