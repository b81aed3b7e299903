'use client'

import { useSubscription } from '@trpc/tanstack-react-query'
import { useEffect, useMemo, useState } from 'react'
import { errorMessage } from '../lib/errors.ts'
import { formatDuration } from '../lib/format.ts'
import { type RouterOutputs, useTRPC } from '../trpc/client.ts'

type Row = RouterOutputs['fleet']['lifecycle']['rows'][number]

const TERMINAL = new Set(['succeeded', 'failed'])
const BADGE: Record<Row['status'], string> = {
  pending: 'badge',
  running: 'badge warn',
  succeeded: 'badge ok',
  failed: 'badge bad',
}

export type ProgressSummary = { total: number; succeeded: number; failed: number; done: boolean }

/**
 * One row per lifecycle id, live from fleet.watchLifecycle (SSE, resumes with Last-Event-ID).
 * Nothing here cancels anything: unmounting only stops watching.
 */
export function LifecycleProgress({
  ids,
  onEvent,
  onSummary,
  testId = 'lifecycle-progress',
}: {
  ids: string[]
  onEvent?: (row: Row) => void
  onSummary?: (summary: ProgressSummary) => void
  testId?: string
}) {
  const trpc = useTRPC()
  const [rows, setRows] = useState<Map<string, Row>>(new Map())
  const [now, setNow] = useState(() => Date.now())
  const subscription = useSubscription(
    trpc.fleet.watchLifecycle.subscriptionOptions(
      { ids },
      {
        enabled: ids.length > 0,
        onData: ({ data }) => {
          setRows((previous) => new Map(previous).set(data.id, data))
          onEvent?.(data)
        },
      },
    ),
  )

  const ordered = useMemo(
    () =>
      [...rows.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id)),
    [rows],
  )
  const summary: ProgressSummary = {
    total: ids.length,
    succeeded: ordered.filter((row) => row.status === 'succeeded').length,
    failed: ordered.filter((row) => row.status === 'failed').length,
    done: ordered.length === ids.length && ordered.every((row) => TERMINAL.has(row.status)),
  }
  const summaryKey = `${summary.succeeded}/${summary.failed}/${summary.done}`
  // biome-ignore lint/correctness/useExhaustiveDependencies: report only when the counts change
  useEffect(() => {
    onSummary?.(summary)
  }, [summaryKey])

  // A local clock for the elapsed column; it asks the server nothing.
  useEffect(() => {
    if (summary.done) return
    const timer = window.setInterval(() => setNow(Date.now()), 1000)
    return () => window.clearInterval(timer)
  }, [summary.done])

  return (
    <div data-testid={testId}>
      <p role="status" aria-live="polite" data-testid={`${testId}-summary`}>
        {summary.done ? (
          summary.failed === 0 ? (
            <strong className="status-succeeded">Finished: all {summary.total} succeeded.</strong>
          ) : (
            <strong className="status-failed">
              Finished with errors: {summary.succeeded} succeeded, {summary.failed} failed.
            </strong>
          )
        ) : (
          <span>
            In progress: {summary.succeeded + summary.failed} of {summary.total} finished
            {subscription.status === 'connecting' ? ' (connecting…)' : ''}
          </span>
        )}
      </p>
      {subscription.status === 'error' && (
        <p className="notice" role="alert">
          Live updates interrupted: {errorMessage(subscription.error)} — reconnecting.
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">Decky</th>
            <th scope="col">Operation</th>
            <th scope="col">Status</th>
            <th scope="col">Attempt</th>
            <th scope="col">Elapsed</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((row) => {
            const end = row.completedAt ? new Date(row.completedAt).getTime() : now
            return (
              <tr key={row.id} data-testid={`lifecycle-row-${row.deckyName}`} data-status={row.status}>
                <td className="mono">{row.deckyName}</td>
                <td>{row.operation}</td>
                <td>
                  <span className={BADGE[row.status]} data-testid="lifecycle-status">
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
            <tr>
              <td colSpan={6} className="muted">
                Waiting for {ids.length - ordered.length} more row(s)…
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  )
}
