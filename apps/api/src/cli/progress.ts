import { isTerminalStatus, type LifecycleRow } from '@decnet/core'
import type { ApiClient } from './client.ts'

const SYMBOL: Record<LifecycleRow['status'], string> = {
  pending: '…',
  running: '▶',
  succeeded: '✔',
  failed: '✖',
}

function elapsed(row: LifecycleRow): string {
  const end = row.completedAt ? Date.parse(row.completedAt) : Date.now()
  return `${((end - Date.parse(row.startedAt)) / 1000).toFixed(1)}s`
}

function describe(row: LifecycleRow): string {
  const error = row.status === 'failed' && row.error ? `  ${row.error}` : ''
  return `${SYMBOL[row.status]} ${row.deckyName.padEnd(24)} ${row.operation.padEnd(8)} ${row.status.padEnd(9)} ${elapsed(row)}${error}`
}

export type ProgressOptions = { json: boolean; out?: NodeJS.WriteStream }

/**
 * What an operation command does once the server queued it: its message (not with --json), then its
 * rows followed to the end; a failed one fails the command.
 */
export async function followStarted(
  client: ApiClient,
  started: { message: string; ids: string[] },
  json: boolean,
): Promise<void> {
  if (!json) process.stdout.write(`${started.message}\n`)
  const [row] = await followLifecycle(client, started.ids, { json })
  if (row?.status === 'failed') process.exitCode = 1
}

/**
 * Follows lifecycle rows through fleet.watchLifecycle until every one is terminal, printing one line
 * per decky (redrawn in place on a terminal, appended otherwise, NDJSON with --json).
 * Resolves with the final rows.
 */
export function followLifecycle(
  client: ApiClient,
  ids: string[],
  { json, out = process.stdout }: ProgressOptions,
): Promise<LifecycleRow[]> {
  const rows = new Map<string, LifecycleRow>()
  const redraw = out.isTTY && !json
  let drawn = 0
  const render = (changed: LifecycleRow) => {
    if (json) {
      out.write(`${JSON.stringify(changed)}\n`)
      return
    }
    if (!redraw) {
      out.write(`${describe(changed)}\n`)
      return
    }
    if (drawn > 0) out.write(`\x1b[${drawn}A`)
    const lines = [...rows.values()].map(describe)
    out.write(lines.map((line) => `\x1b[2K${line}\n`).join(''))
    drawn = lines.length
  }
  return new Promise((resolve, reject) => {
    const done = () =>
      [...rows.values()].length === ids.length &&
      [...rows.values()].every((row) => isTerminalStatus(row.status))
    const subscription = client.fleet.watchLifecycle.subscribe(
      { ids },
      {
        onData: ({ data }) => {
          const previous = rows.get(data.id)
          rows.set(data.id, data)
          if (!previous || previous.status !== data.status) render(data)
          if (done()) {
            subscription.unsubscribe()
            resolve([...rows.values()])
          }
        },
        onError: (error) => {
          subscription.unsubscribe()
          reject(error)
        },
        onComplete: () => resolve([...rows.values()]),
      },
    )
  })
}
