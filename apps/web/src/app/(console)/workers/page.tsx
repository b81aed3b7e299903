'use client'

import { isPausableWorker, type PausableWorker, type WorkerRow } from '@decnet/core/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { useTRPC } from '@/trpc/client.ts'

function ago(seconds: number): string {
  if (seconds < 90) return `${seconds} s ago`
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`
  return `${Math.round(seconds / 3600)} h ago`
}

/** The state in one word: a stale heartbeat says more than the status it last wrote. */
function stateOf(row: WorkerRow): { label: string; className: string } {
  if (row.stale) return { label: 'silent', className: 'status status-down' }
  if (row.paused) return { label: 'paused', className: 'status status-degraded' }
  if (row.status === 'failed') return { label: 'failing', className: 'status status-down' }
  if (row.status === 'degraded') return { label: 'degraded', className: 'status status-degraded' }
  return { label: 'running', className: 'status status-up' }
}

export default function WorkersPage() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const isAdmin = useIsAdmin()
  const workers = useQuery(trpc.workers.list.queryOptions(undefined, { refetchInterval: 5_000 }))
  const settle = { onSettled: () => queryClient.invalidateQueries(trpc.workers.list.queryFilter()) }
  const pause = useMutation(trpc.workers.pause.mutationOptions(settle))
  const resume = useMutation(trpc.workers.resume.mutationOptions(settle))
  const toggle = (worker: PausableWorker, paused: boolean) => (paused ? resume : pause).mutate({ worker })

  return (
    <>
      <h1>Workers</h1>
      <p className="muted">
        The background workers of this installation, as their last heartbeat describes them (every 10 s). A
        paused worker skips its passes until resumed: the mutator rotates no services, the reconciler neither
        observes nor repairs, the collector stops reading the decoys' logs (events wait in Docker, and its lag
        per host grows until it has read them after resuming).
      </p>
      {workers.isError && <ErrorAlert error={workers.error} />}
      {(pause.error ?? resume.error) && (
        <ErrorAlert error={pause.error ?? resume.error} testId="worker-error" />
      )}
      {workers.isPending ? (
        <p aria-busy="true">Loading workers…</p>
      ) : (
        <table data-testid="workers-table">
          <TableHead
            columns={['Worker', 'State', 'Last heartbeat', 'Detail', ...(isAdmin ? ['Actions'] : [])]}
          />
          <tbody>
            {(workers.data ?? []).map((row) => {
              const state = stateOf(row)
              return (
                <tr key={row.worker} data-testid={`worker-${row.worker}`} data-state={state.label}>
                  <td>{row.worker}</td>
                  <td className={state.className} data-testid="worker-state">
                    {state.label}
                  </td>
                  <td className="nowrap" title={row.beatAt}>
                    {ago(row.ageSeconds)}
                  </td>
                  <td className="small" data-testid="worker-detail">
                    {row.detail ?? ''}
                    {row.lag.length > 0 && (
                      <ul className="plain" data-testid="worker-lag">
                        {row.lag.map((lag) => (
                          <li
                            key={lag.hostId}
                            data-testid={`worker-lag-${lag.hostId}`}
                            data-lag-seconds={lag.lagSeconds}
                          >
                            {lag.host}: {lag.behindSince ? `behind by ${lag.lagSeconds} s` : 'up to date'}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  {isAdmin && (
                    <td>
                      {isPausableWorker(row.worker) && (
                        <button
                          type="button"
                          className="button"
                          disabled={pause.isPending || resume.isPending}
                          onClick={() => isPausableWorker(row.worker) && toggle(row.worker, row.paused)}
                        >
                          {row.paused ? `Resume ${row.worker}` : `Pause ${row.worker}`}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </>
  )
}
