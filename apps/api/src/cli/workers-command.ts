// `decnet workers`: every background worker with its state and last heartbeat; `pause`/`resume` the
// ones that may be paused (the mutator, the reconciler, the collector).
import { isPausableWorker, PAUSABLE_WORKERS, type PausableWorker, type WorkerRow } from '@decnet/core'
import type { Command } from 'commander'
import type { CommandIo } from './command-io.ts'
import { FlagError } from './fleet-flags.ts'
import { renderTable } from './table.ts'
import { clipped, terminalSafe } from './terminal-text.ts'

/** One word for a worker's state: a silent worker says more than the status it last wrote. */
export function workerState(row: WorkerRow): string {
  if (row.stale) return 'silent'
  if (row.paused) return 'paused'
  if (row.status === 'failed') return 'failing'
  return row.status === 'degraded' ? 'degraded' : 'running'
}

export function workersTable(rows: readonly WorkerRow[]): string {
  return renderTable(
    [
      { header: 'WORKER', cell: (row) => terminalSafe(row.worker) },
      { header: 'STATE', cell: workerState },
      { header: 'LAST BEAT', cell: (row) => `${row.ageSeconds}s ago`, alignRight: true },
      { header: 'LAG', cell: lagCell },
      { header: 'DETAIL', cell: (row) => clipped(terminalSafe(row.detail ?? ''), 160) },
    ],
    rows,
  )
}

/** The collector's lag per host (`local 0s, edge-2 41s`); empty for other workers. */
function lagCell(row: WorkerRow): string {
  return row.lag.map((lag) => `${terminalSafe(lag.host)} ${lag.lagSeconds}s`).join(', ')
}

function pausable(worker: string): PausableWorker {
  if (!isPausableWorker(worker)) {
    throw new FlagError(
      `'${terminalSafe(worker.slice(0, 40))}' cannot be paused; these can: ${PAUSABLE_WORKERS.join(', ')}`,
    )
  }
  return worker
}

export function registerWorkersCommand(program: Command, io: CommandIo): void {
  const workers = program
    .command('workers')
    .description('the background workers: state, last heartbeat and what they last did')
    .action(async () => {
      const rows = await io.signedIn().workers.list.query()
      io.print(rows, () => (rows.length === 0 ? 'no worker has reported yet' : workersTable(rows)))
    })
  workers
    .command('pause <worker>')
    .description(`pause a worker until resumed (${PAUSABLE_WORKERS.join(', ')})`)
    .action(async (worker: string) => {
      const result = await io.signedIn().workers.pause.mutate({ worker: pausable(worker) })
      io.print(result, () => result.message)
    })
  workers
    .command('resume <worker>')
    .description('resume a paused worker')
    .action(async (worker: string) => {
      const result = await io.signedIn().workers.resume.mutate({ worker: pausable(worker) })
      io.print(result, () => result.message)
    })
}
