'use client'

import { isTerminalStatus } from '@decnet/core/schemas'
import { useSubscription } from '@trpc/tanstack-react-query'
import { useEffect, useMemo, useRef, useState } from 'react'
import { EmptyRow } from '@/components/table-cells.tsx'
import { errorCode, errorMessage } from '@/lib/errors.ts'
import { formatDuration } from '@/lib/format.ts'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'
import { TableHead } from './table-head.tsx'

type Row = RouterOutputs['fleet']['lifecycle']['rows'][number]

/** The badge class of each lifecycle operation status (here and in a decky's history). */
export const LIFECYCLE_STATUS_BADGE: Record<Row['status'], string> = {
  pending: 'badge',
  running: 'badge warn',
  succeeded: 'badge ok',
  failed: 'badge bad',
}

export type LifecycleWatch = {
  rows: ReadonlyMap<string, Row>
  status: 'idle' | 'connecting' | 'pending' | 'error'
  error: unknown
}

/** Errors a new subscription would only repeat: these are not retried. */
const FINAL_ERRORS = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST'])
const RESUBSCRIBE_AFTER_MS = 2000

/**
 * Live rows for lifecycle ids from one fleet.watchLifecycle subscription (SSE; resumes with
 * Last-Event-ID). While the API restarts, the console's proxy answers 502, which ends an EventSource
 * for good: the subscription is then opened again, from the last event id seen (event ids are
 * durable, so the server replays what was missed), until it connects. Unmounting only stops
 * watching: nothing here cancels an operation.
 */
export function useLifecycleWatch(ids: string[], onEvent?: (row: Row) => void): LifecycleWatch {
  const trpc = useTRPC()
  const [rows, setRows] = useState<Map<string, Row>>(new Map())
  const lastEventId = useRef<string | undefined>(undefined)
  const [resumeFrom, setResumeFrom] = useState<string | undefined>(undefined)
  const subscription = useSubscription(
    trpc.fleet.watchLifecycle.subscriptionOptions(
      { ids, ...(resumeFrom ? { lastEventId: resumeFrom } : {}) },
      {
        enabled: ids.length > 0,
        onData: ({ id, data }) => {
          lastEventId.current = id
          setRows((previous) => new Map(previous).set(data.id, data))
          onEvent?.(data)
        },
      },
    ),
  )
  const { status, error, reset } = subscription
  useEffect(() => {
    if (status !== 'error' || FINAL_ERRORS.has(errorCode(error) ?? '')) return
    const timer = window.setTimeout(() => {
      // A new input opens a new subscription; the same one needs a reset.
      if (lastEventId.current !== resumeFrom) setResumeFrom(lastEventId.current)
      else reset()
    }, RESUBSCRIBE_AFTER_MS)
    return () => window.clearTimeout(timer)
  }, [status, error, reset, resumeFrom])
  return { rows, status, error }
}

/** One row per lifecycle id, with its own subscription. */
export function LifecycleProgress({
  ids,
  onEvent,
  testId = 'lifecycle-progress',
}: {
  ids: string[]
  onEvent?: (row: Row) => void
  testId?: string
}) {
  const watch = useLifecycleWatch(ids, onEvent)
  return <LifecycleTable ids={ids} watch={watch} testId={testId} />
}

/** The rows of `ids` out of a (possibly shared) watch: status, attempt, elapsed time, error, summary. */
export function LifecycleTable({
  ids,
  watch,
  testId = 'lifecycle-progress',
}: {
  ids: string[]
  watch: LifecycleWatch
  testId?: string
}) {
  const [now, setNow] = useState(() => Date.now())
  const ordered = useMemo(
    () =>
      ids
        .map((id) => watch.rows.get(id))
        .filter((row): row is Row => row !== undefined)
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id)),
    [ids, watch.rows],
  )
  const succeeded = ordered.filter((row) => row.status === 'succeeded').length
  const failed = ordered.filter((row) => row.status === 'failed').length
  const done = ordered.length === ids.length && ordered.every((row) => isTerminalStatus(row.status))

  // A local clock for the elapsed column; it asks the server nothing.
  useEffect(() => {
    if (done) return
    const timer = window.setInterval(() => setNow(Date.now()), 1000)
    return () => window.clearInterval(timer)
  }, [done])

  return (
    <div data-testid={testId}>
      <p role="status" aria-live="polite" data-testid={`${testId}-summary`}>
        {done ? (
          failed === 0 ? (
            <strong className="status-succeeded">Finished: all {ids.length} succeeded.</strong>
          ) : (
            <strong className="status-failed">
              Finished with errors: {succeeded} succeeded, {failed} failed.
            </strong>
          )
        ) : (
          <span>
            In progress: {succeeded + failed} of {ids.length} finished
            {watch.status === 'connecting' ? ' (connecting…)' : ''}
          </span>
        )}
      </p>
      {watch.status === 'error' && !done && (
        <p className="notice" role="alert">
          Live updates interrupted: {errorMessage(watch.error)} — reconnecting.
        </p>
      )}
      <table>
        <TableHead columns={['Decky', 'Operation', 'Status', 'Attempt', 'Elapsed', 'Error']} />
        <tbody>
          {ordered.map((row) => {
            const end = row.completedAt ? new Date(row.completedAt).getTime() : now
            return (
              <tr key={row.id} data-testid={`lifecycle-row-${row.deckyName}`} data-status={row.status}>
                <td className="mono">{row.deckyName}</td>
                <td>{row.operation}</td>
                <td>
                  <span className={LIFECYCLE_STATUS_BADGE[row.status]} data-testid="lifecycle-status">
                    {row.status}
                  </span>
                </td>
                <td>{row.attempt}</td>
                <td className="nowrap">{formatDuration(end - new Date(row.startedAt).getTime())}</td>
                <td className="safe-text" data-testid="lifecycle-error">
                  {row.error ?? ''}
                </td>
              </tr>
            )
          })}
          {ordered.length < ids.length && (
            <EmptyRow columns={6}>Waiting for {ids.length - ordered.length} more row(s)…</EmptyRow>
          )}
        </tbody>
      </table>
    </div>
  )
}
