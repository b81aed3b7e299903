'use client'

import { findPortConflict } from '@decnet/core'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { errorCode } from '@/lib/errors.ts'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'
import { Chips } from './chips.tsx'
import { DeckyChangeDialog, useChangeStarted } from './decky-change-dialog.tsx'
import { ErrorAlert } from './error-alert.tsx'

type Preview = RouterOutputs['fleet']['mutatePreview']
type Slug = Preview['pool'][number]
export type MutationStarted = RouterOutputs['fleet']['mutate']

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((slug) => b.includes(slug))

/** Why the picked set cannot be confirmed, or null when it can. */
function pickProblem(preview: Preview, picked: readonly Slug[]): string | null {
  if (picked.length === 0) return 'Pick at least one service.'
  if (picked.length > preview.maxServices) return `Pick at most ${preview.maxServices} services.`
  const conflict = findPortConflict(picked)
  if (conflict)
    return `${conflict.a} and ${conflict.b} both listen on ${conflict.port.port}/${conflict.port.protocol}.`
  if (sameSet(picked, preview.current) && preview.pool.length > 1) return 'That is the set it runs now.'
  return null
}

/**
 * Mutate with confirmation: the server draws the new services by the mutator's rule (fleet.mutatePreview),
 * the operator sees now → after, may draw again or pick the set, and confirms; exactly that set is
 * committed, and only while the decky still runs what was shown (a stale draw is drawn again).
 * Native <dialog>: focus is trapped and Escape cancels.
 */
export function MutateDialog({
  name,
  onClose,
  onStarted,
}: {
  name: string
  onClose: () => void
  onStarted: (result: MutationStarted) => void
}) {
  const trpc = useTRPC()
  const started = useChangeStarted(name, onStarted, onClose)
  // A draw is a one-off: never refetched behind the operator's back (it would change what they confirm).
  const preview = useQuery(
    trpc.fleet.mutatePreview.queryOptions(
      { name },
      {
        staleTime: Number.POSITIVE_INFINITY,
        gcTime: 0,
        retry: false,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
      },
    ),
  )
  const [picked, setPicked] = useState<Slug[]>([])
  const [picking, setPicking] = useState(false)
  const [stale, setStale] = useState(false)
  useEffect(() => {
    if (preview.data) setPicked([...preview.data.proposed])
  }, [preview.data])

  const mutate = useMutation(
    trpc.fleet.mutate.mutationOptions({
      onSuccess: started,
      onError: (error) => {
        // The decky changed since this draw (another operator, the schedule): show the new state.
        if (errorCode(error) === 'CONFLICT') {
          setStale(true)
          preview.refetch()
        }
      },
    }),
  )

  const data = preview.data
  const problem = data ? pickProblem(data, picked) : null
  const drawAgain = () => {
    mutate.reset()
    setStale(false)
    preview.refetch()
  }
  const toggle = (slug: Slug) =>
    setPicked((now) =>
      data ? data.pool.filter((s) => (s === slug ? !now.includes(s) : now.includes(s))) : now,
    )

  return (
    <DeckyChangeDialog
      id="mutate"
      verb="Mutate"
      name={name}
      confirm="Confirm mutation"
      confirmDisabled={!data || problem !== null || mutate.isPending || preview.isFetching}
      onConfirm={() => {
        if (!data) return
        setStale(false)
        mutate.mutate({ name, services: picked, expectedServices: data.current })
      }}
      otherActions={
        <>
          <button type="button" onClick={drawAgain} disabled={preview.isFetching || mutate.isPending}>
            Draw again
          </button>
          {data && !picking && data.pool.length > 1 && (
            <button type="button" onClick={() => setPicking(true)}>
              Pick services
            </button>
          )}
        </>
      }
      onClose={onClose}
    >
      {preview.isPending && <p className="muted">Drawing new services…</p>}
      {preview.isError && <ErrorAlert error={preview.error} testId="mutate-preview-error" />}
      {data && (
        <div className="stack">
          <div className="mutate-diff" aria-busy={preview.isFetching ? 'true' : 'false'}>
            <div>
              <div className="muted small">Runs now</div>
              <div data-testid="mutate-current">
                <Chips values={data.current} />
              </div>
            </div>
            <span className="mutate-arrow" aria-hidden="true">
              →
            </span>
            <div>
              <div className="muted small">After the mutation</div>
              <div data-testid="mutate-next">
                <Chips values={picked} />
              </div>
            </div>
          </div>
          <p className="small muted">
            {picking ? 'Picked' : 'Drawn'} from the{' '}
            {data.archetype ? <strong>{data.archetype}</strong> : 'catalogue'} pool for {data.osFamily} (
            {data.pool.join(', ')}), at most {data.maxServices}. Containers of services that go are removed
            (an attacker connected to one loses the session); settings of services that stay are kept; a new
            service starts from its defaults.
          </p>
          {picking && (
            <fieldset className="mutate-pick" data-testid="mutate-pick">
              <legend>Services after the mutation</legend>
              {data.pool.map((slug) => (
                <label key={slug} className="mutate-option">
                  <input type="checkbox" checked={picked.includes(slug)} onChange={() => toggle(slug)} />
                  {slug}
                </label>
              ))}
            </fieldset>
          )}
          {problem && (
            <p className="small status-failed" data-testid="mutate-problem">
              {problem}
            </p>
          )}
          {stale && (
            <p className="notice small" role="status" data-testid="mutate-stale">
              {name} changed since this draw; the current services are shown again. Check and confirm again.
            </p>
          )}
        </div>
      )}
      {mutate.isError && !stale && <ErrorAlert error={mutate.error} testId="mutate-error" />}
    </DeckyChangeDialog>
  )
}
