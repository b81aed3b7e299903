import { isTerminalStatus, type LifecycleStatus } from '@decnet/core'
import { expect } from 'vitest'
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

type TrackedLifecycleEvent = LifecycleEvent & { id: string | undefined }

/**
 * Checks a resumed watch: `first` read up to `lastId`, then `replayed` from it. Together they show
 * each row's every transition once, in order, and the replayed ones carry increasing ids past it.
 */
export function expectReplayed(
  first: TrackedLifecycleEvent[],
  replayed: TrackedLifecycleEvent[],
  ids: string[],
  lastId: string | undefined,
): void {
  for (const id of ids) {
    const snapshot = first.find((event) => event.data.id === id)?.data.status ?? ''
    expect(statusesOf([...first, ...replayed], id)).toEqual(AFTER_SNAPSHOT[snapshot])
  }
  const replayedIds = replayed.map((event) => Number(event.id))
  expect(
    replayedIds.every((id, i) => id > Number(lastId) && (i === 0 || id > (replayedIds[i - 1] ?? 0))),
  ).toBe(true)
}
