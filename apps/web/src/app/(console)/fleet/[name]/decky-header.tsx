'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { ConfirmStep } from '@/components/confirm-step.tsx'
import { MutateDialog } from '@/components/mutate-dialog.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { operationCallbacks } from '@/lib/operation-callbacks.ts'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'

export type DeckyView = RouterOutputs['fleet']['get']

export const STATE_BADGE: Record<DeckyView['state'], string> = {
  pending: 'badge',
  running: 'badge ok',
  degraded: 'badge warn',
  missing: 'badge bad',
  failed: 'badge bad',
  unknown: 'badge warn',
  pending_removal: 'badge warn',
}

/** Name, state, operations under way and the admin's actions (mutate with confirmation, repair, teardown). */
export function DeckyHeader({ decky }: { decky: DeckyView }) {
  const trpc = useTRPC()
  const isAdmin = useIsAdmin()
  const router = useRouter()
  const queryClient = useQueryClient()
  const [message, setMessage] = useState<string | null>(null)
  const [mutating, setMutating] = useState(false)
  const [confirmingTeardown, setConfirmingTeardown] = useState(false)
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: trpc.fleet.get.queryKey({ name: decky.name }) })
    queryClient.invalidateQueries({ queryKey: trpc.fleet.history.pathKey() })
  }
  const repairDone = operationCallbacks('repair', decky.name, setMessage, refresh)
  const repair = useMutation(
    trpc.fleet.repair.mutationOptions({
      ...repairDone,
      onSuccess: (result) =>
        repairDone.onSuccess({ message: result.message, lifecycleIds: [result.lifecycleId] }),
    }),
  )
  // Once torn down the decky is gone: back to the fleet, where the teardown is followed live.
  const teardown = useMutation(
    trpc.fleet.teardown.mutationOptions(
      operationCallbacks('teardown', decky.name, setMessage, () => {
        queryClient.invalidateQueries({ queryKey: trpc.fleet.list.queryKey() })
        router.push('/fleet')
      }),
    ),
  )
  const mutateDone = operationCallbacks('mutate', decky.name, setMessage, refresh)

  return (
    <>
      <div className="decky-head">
        <div className="decky-title">
          <h1 data-testid="decky-name">{decky.name}</h1>
          <span className={STATE_BADGE[decky.state]} data-testid="decky-state">
            {decky.state}
          </span>
          {decky.activeOperations.length > 0 && (
            <span className="muted small" data-testid="decky-operations">
              {decky.activeOperations.map((op) => op.operation).join(', ')} under way
            </span>
          )}
        </div>
        {isAdmin &&
          (confirmingTeardown ? (
            <ConfirmStep
              question={`Remove ${decky.name} and its containers?`}
              confirmLabel="Confirm teardown"
              pending={teardown.isPending}
              onConfirm={() => teardown.mutate({ name: decky.name })}
              onCancel={() => setConfirmingTeardown(false)}
            />
          ) : (
            <div className="row" data-testid="decky-actions">
              <button type="button" onClick={() => setMutating(true)} aria-label={`Mutate ${decky.name}`}>
                Mutate
              </button>
              <button
                type="button"
                onClick={() => repair.mutate({ name: decky.name })}
                disabled={repair.isPending}
                aria-label={`Repair ${decky.name}`}
              >
                Repair
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => setConfirmingTeardown(true)}
                aria-label={`Tear down ${decky.name}`}
              >
                Tear down
              </button>
            </div>
          ))}
      </div>
      {message && (
        <p className="notice" role="status" data-testid="decky-message">
          {message}{' '}
          <button type="button" className="link" onClick={() => setMessage(null)}>
            dismiss
          </button>
        </p>
      )}
      {mutating && (
        <MutateDialog name={decky.name} onClose={() => setMutating(false)} onStarted={mutateDone.onSuccess} />
      )}
    </>
  )
}
