import { isTerminalStatus } from '@decnet/core'
import { tracked } from '@trpc/server'
import { viewerStreamProcedure } from '../../auth/session-watch.ts'
import type { LifecycleTransition } from '../../fleet/lifecycle-feed.ts'
import { toLifecycleOutput } from '../../fleet/lifecycle-output.ts'
import { ZWatchLifecycleInput, ZWatchLifecycleOutput } from './watch-lifecycle.types.ts'

type Row = ReturnType<typeof toLifecycleOutput>

function applyTransition(row: Row, transition: LifecycleTransition): Row {
  const at = transition.at.toISOString()
  return {
    ...row,
    status: transition.status,
    error: transition.error,
    updatedAt: at,
    completedAt: isTerminalStatus(transition.status) ? at : null,
  }
}

/**
 * The watched rows as they are now, then every transition, each tracked by a feed sequence number.
 * Subscribes before reading the snapshot (nothing slips between), replays what a reconnecting client
 * missed, and ends once every watched row is terminal.
 */
export const watchLifecycleProcedure = viewerStreamProcedure
  .input(ZWatchLifecycleInput)
  .output(ZWatchLifecycleOutput)
  .subscription(async function* ({ ctx, input, signal }) {
    const { db, lifecycleFeed } = ctx.services
    const ids = new Set(input.ids)
    const live = lifecycleFeed.watch(ids, signal)
    const snapshotSeq = lifecycleFeed.lastSeq
    const rows = new Map((await db.lifecycle.get([...ids])).map((row) => [row.id, toLifecycleOutput(row)]))
    const allTerminal = () => [...rows.values()].every((row) => isTerminalStatus(row.status))

    const resumeSeq = Number(input.lastEventId)
    const missed = Number.isInteger(resumeSeq) ? lifecycleFeed.since(resumeSeq, ids) : null
    if (missed) {
      // Replay only what the client did not see; its rows are otherwise current.
      const replayed = new Map<string, Row>()
      for (const transition of missed.filter((t) => t.seq <= snapshotSeq)) {
        const base = replayed.get(transition.lifecycleId) ?? rows.get(transition.lifecycleId)
        if (!base) continue
        const row = applyTransition(base, transition)
        replayed.set(row.id, row)
        yield tracked(String(transition.seq), row)
      }
    } else {
      for (const row of [...rows.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt))) {
        yield tracked(String(snapshotSeq), row)
      }
    }
    if (rows.size === 0 || allTerminal()) return

    for await (const transition of live) {
      // Transitions up to the snapshot are already reflected in the rows just sent.
      if (transition.seq <= snapshotSeq) continue
      const current = rows.get(transition.lifecycleId)
      if (!current) continue
      const row = applyTransition(current, transition)
      rows.set(row.id, row)
      yield tracked(String(transition.seq), row)
      if (allTerminal()) return
    }
  })
