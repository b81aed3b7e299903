'use client'

import type { DeckyState } from '@decnet/core/schemas'
import { useMutation } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { ConfirmStep } from '@/components/confirm-step.tsx'
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
 * The repair and teardown mutations of one decky, and the callbacks for a started mutation: each
 * tracks its operations, shows the server's message through `onMessage` and then runs `refresh`
 * (repair, mutate) or `afterTeardown`.
 */
export function useDeckyOperations(options: {
  name: string
  onMessage: (message: string) => void
  refresh: () => void
  afterTeardown: () => void
}) {
  const trpc = useTRPC()
  const { name, onMessage } = options
  const repairDone = operationCallbacks('repair', name, onMessage, options.refresh)
  const repair = useMutation(
    trpc.fleet.repair.mutationOptions({
      ...repairDone,
      onSuccess: (result) =>
        repairDone.onSuccess({ message: result.message, lifecycleIds: [result.lifecycleId] }),
    }),
  )
  const teardown = useMutation(
    trpc.fleet.teardown.mutationOptions(
      operationCallbacks('teardown', name, onMessage, options.afterTeardown),
    ),
  )
  const mutateDone = operationCallbacks('mutate', name, onMessage, options.refresh)
  return { repair, teardown, mutateDone }
}

type DeckyOperations = ReturnType<typeof useDeckyOperations>

/** The teardown confirmation that replaces a decky's action buttons. */
export function TeardownConfirm({
  name,
  teardown,
  onCancel,
}: {
  name: string
  teardown: DeckyOperations['teardown']
  onCancel: () => void
}) {
  return (
    <ConfirmStep
      question={`Remove ${name} and its containers?`}
      confirmLabel="Confirm teardown"
      pending={teardown.isPending}
      onConfirm={() => teardown.mutate({ name })}
      onCancel={onCancel}
    />
  )
}

/** Mutate, Repair, then `children` (page-specific actions), then Tear down (which asks first). */
export function DeckyActionButtons({
  name,
  repair,
  onMutate,
  onTeardown,
  className,
  testId,
  children,
}: {
  name: string
  repair: DeckyOperations['repair']
  onMutate: () => void
  onTeardown: () => void
  className: string
  testId?: string
  children?: ReactNode
}) {
  return (
    <div className={className} data-testid={testId}>
      <button type="button" onClick={onMutate} aria-label={`Mutate ${name}`}>
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
      <button type="button" className="danger" onClick={onTeardown} aria-label={`Tear down ${name}`}>
        Tear down
      </button>
    </div>
  )
}
