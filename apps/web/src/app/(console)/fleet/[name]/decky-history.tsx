'use client'

import { isTerminalStatus } from '@decnet/core/schemas'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useMemo } from 'react'
import { Chips } from '@/components/chips.tsx'
import { LIFECYCLE_STATUS_BADGE, useLifecycleWatch } from '@/components/lifecycle-progress.tsx'
import { EmptyRow, TimeCell } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { formatTime } from '@/lib/format.ts'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'

type Entry = RouterOutputs['fleet']['history']['rows'][number]

function requestedBy(entry: Entry): string {
  if (entry.actor) return entry.actor
  if (entry.trigger === 'schedule') return 'mutation schedule'
  return entry.trigger ?? '—'
}

/** Its operations, newest first; unfinished ones are followed live and the page refreshed when they end. */
export function DeckyHistory({ name }: { name: string }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const history = useQuery(trpc.fleet.history.queryOptions({ name, limit: 50 }, { refetchInterval: 30_000 }))
  const rows = history.data?.rows ?? []
  const unfinished = useMemo(
    () => rows.filter((row) => !isTerminalStatus(row.status)).map((row) => row.id),
    [rows],
  )
  useLifecycleWatch(unfinished, (row) => {
    if (!isTerminalStatus(row.status)) return
    queryClient.invalidateQueries({ queryKey: trpc.fleet.history.queryKey({ name, limit: 50 }) })
    queryClient.invalidateQueries({ queryKey: trpc.fleet.get.queryKey({ name }) })
  })
  return (
    <section aria-labelledby="history-heading" data-testid="decky-history">
      <div className="decky-section-head">
        <h2 id="history-heading">Lifecycle and mutations</h2>
      </div>
      {history.isError && (
        <p className="alert" role="alert">
          {history.error.message}
        </p>
      )}
      <div className="decky-scroll">
        <table>
          <TableHead
            columns={[
              'Started (UTC)',
              'Operation',
              'Status',
              'Requested by',
              'Services',
              'Finished',
              'Error',
            ]}
          />
          <tbody>
            {rows.map((entry) => (
              <tr
                key={entry.id}
                data-testid="history-row"
                data-operation={entry.operation}
                data-status={entry.status}
              >
                <TimeCell at={entry.startedAt} />
                <td>{entry.operation}</td>
                <td>
                  <span className={LIFECYCLE_STATUS_BADGE[entry.status]}>{entry.status}</span>
                  {entry.attempt > 1 && <span className="muted small"> attempt {entry.attempt}</span>}
                </td>
                <td className="small">{requestedBy(entry)}</td>
                <td>
                  {entry.fromServices || entry.toServices ? (
                    <div className="decky-change" data-testid="history-change">
                      <span data-testid="history-from">
                        <Chips values={entry.fromServices ?? []} />
                      </span>
                      <span className="mutate-arrow">
                        <span aria-hidden="true">→</span>
                        <span className="sr-only">replaced by</span>
                      </span>
                      <span data-testid="history-to">
                        {entry.toServices ? (
                          <Chips values={entry.toServices} />
                        ) : (
                          <span className="muted small">not recorded</span>
                        )}
                      </span>
                    </div>
                  ) : (
                    <span className="muted small">—</span>
                  )}
                </td>
                <td className="small nowrap">{entry.completedAt ? formatTime(entry.completedAt) : '—'}</td>
                <td className="small safe-text" style={{ maxWidth: 260 }}>
                  {entry.error ?? ''}
                </td>
              </tr>
            ))}
            {history.isSuccess && rows.length === 0 && (
              <EmptyRow columns={7}>No operations recorded.</EmptyRow>
            )}
          </tbody>
        </table>
      </div>
    </section>
  )
}
