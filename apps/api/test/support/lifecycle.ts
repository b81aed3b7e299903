import { isTerminalStatus, type LifecycleStatus } from '@decnet/core'
import { eventually } from './wait.ts'

/** Waits until every one of `ids` is read back (`fleet.lifecycle`) and has succeeded or failed. */
export async function untilTerminal<Row extends { status: LifecycleStatus }>(
  lifecycle: (input: { ids: string[] }) => Promise<{ rows: Row[] }>,
  ids: string[],
): Promise<Row[]> {
  const { rows } = await eventually(
    () => lifecycle({ ids }),
    ({ rows }) => rows.length === ids.length && rows.every((row) => isTerminalStatus(row.status)),
    'the lifecycle rows to finish',
  )
  return rows
}

type LifecycleEvent = { data: { id: string; status: string } }

/** Each row's statuses in the order its events arrived, repeats folded. */
export function statusesOf(events: LifecycleEvent[], id: string): string[] {
  const statuses = events.filter((event) => event.data.id === id).map((event) => event.data.status)
  return statuses.filter((status, index) => statuses[index - 1] !== status)
}

/** What a deploy row's events must read from its first (snapshot) status on: in order, nothing skipped. */
export const AFTER_SNAPSHOT: Record<string, string[]> = {
  pending: ['pending', 'running', 'succeeded'],
  running: ['running', 'succeeded'],
  succeeded: ['succeeded'],
}
