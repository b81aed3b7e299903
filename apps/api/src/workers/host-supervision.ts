import type { Host } from '@decnet/db'

/**
 * The decisions of one enrolled host's supervision, as a pure state machine: `nextActions` takes what is
 * known of the host (its row), the heartbeat's clock, the supervisor's state and what just happened, and
 * returns the next state with the actions the supervisor performs (host-supervisor.ts). Nothing here
 * touches Docker, the database or a timer, so every transition is unit-tested (test/host-supervision.test.ts).
 */

/** Sweeps of a decommissioning host that may fail before it is retired with what was left. */
export const MAX_FAILED_SWEEPS = 3

/** Heartbeat periods a decommissioning host may stay silent and still be driven. */
const ANSWER_WINDOW_BEATS = 3

export const SUPERVISOR_PHASES = [
  /** No workers: not driven (no TLS material, enrolled but not answered yet, or decommissioning and silent). */
  'idle',
  /** No workers: the heartbeat marked it unreachable; rows queued for it fail every round. */
  'unreachable',
  /**
   * Workers built, runner not started: the return reconciliation (sweep of what the fleet does not hold,
   * however young, then deploying again the deckies whose operations were cut short) runs first.
   */
  'starting',
  /** Runner, reconciler and log follower running. */
  'running',
  /** Decommissioning with its teardowns done: the final sweep (then the status change) is under way. */
  'sweeping',
  /** The previous workers finish their operations; nothing starts on this host until they are done. */
  'draining',
  /**
   * Just decommissioned by its final sweep: its workers finish, then it is retired. The row may still
   * read decommissioning (it was read before the status change), so nothing here starts workers again.
   */
  'retiring',
  /** Decommissioned: no workers, collector positions removed; only leftovers are swept when it answers. */
  'retired',
  /** This process is shutting down: nothing starts again. */
  'stopped',
] as const
export type SupervisorPhase = (typeof SUPERVISOR_PHASES)[number]

export type SupervisorState = {
  phase: SupervisorPhase
  /** Numbers each set of workers: completions reported by an earlier set are ignored. */
  generation: number
  /** Final sweeps of this decommission that failed so far. */
  failedSweeps: number
  /** An orphan or leftovers sweep is under way (one at a time per host). */
  orphanSweep: boolean
}

export const INITIAL_SUPERVISOR_STATE: SupervisorState = {
  phase: 'idle',
  generation: 0,
  failedSweeps: 0,
  orphanSweep: false,
}

/** What the supervision needs of a host's row. */
export type SupervisedHost = {
  name: string
  status: Host['status']
  /** Its TLS material is stored (without it the host cannot be driven). */
  tls: boolean
  lastHeartbeat: Date | null
  /** Decommissioning: deckies (pending_removal ones aside) or lifecycle rows are still on it. */
  workLeft: boolean
}

export type Heartbeat = { intervalMs: number; now: number }

export type SupervisorEvent =
  /** A heartbeat round ended, a host was enrolled or the process started: the row was read again. */
  | { kind: 'sync' }
  /** The heartbeat marked the host unreachable (missed beats). */
  | { kind: 'unreachable'; reason: string }
  /** A decommissioning host stopped answering (it stays decommissioning). */
  | { kind: 'silent'; reason: string }
  /** The periodic orphan sweep's timer. */
  | { kind: 'periodicSweep' }
  /** A host decommissioned without answering, with unswept leftovers, answered the heartbeat. */
  | { kind: 'leftoversAnswered' }
  | { kind: 'orphanSweepDone' }
  /** The workers could not be built (e.g. TLS material sealed under another key). */
  | { kind: 'launchFailed'; generation: number }
  /** The return reconciliation ended (its failures are reported; the workers start either way). */
  | { kind: 'reconciled'; generation: number }
  /** The final sweep of a decommission ended. */
  | { kind: 'swept'; generation: number; removed: number; errors: string[] }
  /** The status change decommissioning → decommissioned was tried (`moved`: it applied). */
  | { kind: 'retiredHost'; generation: number; moved: boolean }
  /** The stopped workers finished their operations. */
  | { kind: 'drained'; generation: number }
  | { kind: 'shutdown' }
export type SupervisorEventKind = SupervisorEvent['kind']

export type SupervisorAction =
  | { kind: 'createWorkers'; generation: number }
  | { kind: 'reconcileReturn'; generation: number }
  | { kind: 'startWorkers'; generation: number }
  /** `abandon`: their host is gone and their rows were failed for them, so they record nothing. */
  | { kind: 'stopWorkers'; abandon: boolean }
  /** The host's unfinished rows fail with the reason (teardowns cut short leave their decky pending_removal). */
  | { kind: 'failRows'; reason: string }
  | { kind: 'finalSweep'; generation: number }
  /** decommissioning → decommissioned (conditional), then its pending_removal deckies go. */
  | { kind: 'retireHost'; generation: number }
  | { kind: 'sweepOrphans' }
  | { kind: 'sweepLeftovers' }
  | { kind: 'forgetLogPositions' }
  | { kind: 'log'; line: string }

export type Transition = { state: SupervisorState; actions: SupervisorAction[] }

/**
 * Whether a host's workers should run: it answers (active), or is being decommissioned and answered
 * within the last 3 heartbeats (a silent one is left alone: sweeping it could only fail).
 */
export function hostAnswering(
  host: Pick<Host, 'status' | 'lastHeartbeat'>,
  heartbeatMs: number,
  now = Date.now(),
): boolean {
  if (host.status === 'active') return true
  if (host.status !== 'decommissioning' || host.lastHeartbeat === null) return false
  return now - host.lastHeartbeat.getTime() < ANSWER_WINDOW_BEATS * heartbeatMs
}

const WITH_WORKERS: ReadonlySet<SupervisorPhase> = new Set(['starting', 'running', 'sweeping'])
const WITHOUT_WORKERS: ReadonlySet<SupervisorPhase> = new Set(['idle', 'unreachable', 'retired'])

/** Whether the supervisor holds workers in this phase (built, running, or sweeping). */
const holdsWorkers = (phase: SupervisorPhase): boolean => WITH_WORKERS.has(phase)

const stay = (state: SupervisorState): Transition => ({ state, actions: [] })
const to = (
  state: SupervisorState,
  phase: SupervisorPhase,
  actions: SupervisorAction[] = [],
): Transition => ({
  state: { ...state, phase },
  actions,
})
const log = (line: string): SupervisorAction => ({ kind: 'log', line: `decnet hosts: ${line}` })

const unreachableRowsReason = (host: SupervisedHost) =>
  `host ${host.name} is unreachable; nothing was done there (its containers stay until it answers again)`
const silentRowsReason = (reason: string) =>
  `${reason}; it stays decommissioning and is cleaned up when it answers (decommission it again to retire it as it is)`

const wanted = (host: SupervisedHost, heartbeat: Heartbeat) =>
  host.tls && hostAnswering(host, heartbeat.intervalMs, heartbeat.now)

/**
 * The next state and the actions to perform. Completions carry the generation of the workers they
 * belong to: one from workers since replaced is ignored.
 */
export function nextActions(
  host: SupervisedHost,
  heartbeat: Heartbeat,
  state: SupervisorState,
  event: SupervisorEvent,
): Transition {
  if (state.phase === 'stopped') return stay(state)
  const current = 'generation' in event && event.generation === state.generation
  switch (event.kind) {
    case 'shutdown':
      return to(state, 'stopped', holdsWorkers(state.phase) ? [{ kind: 'stopWorkers', abandon: false }] : [])
    case 'sync':
      return onSync(host, heartbeat, state)
    case 'unreachable':
      return onLost(state, { kind: 'failRows', reason: event.reason }, 'unreachable')
    case 'silent':
      return onLost(state, { kind: 'failRows', reason: silentRowsReason(event.reason) }, 'idle')
    case 'periodicSweep':
      // Only a host in use: a decommissioning one is swept by its decommission.
      return state.phase === 'running' && host.status === 'active' && !state.orphanSweep
        ? { state: { ...state, orphanSweep: true }, actions: [{ kind: 'sweepOrphans' }] }
        : stay(state)
    case 'leftoversAnswered':
      // Not while workers are held or draining: what they still do could leave containers behind.
      return WITHOUT_WORKERS.has(state.phase) && host.status === 'decommissioned' && !state.orphanSweep
        ? { state: { ...state, orphanSweep: true }, actions: [{ kind: 'sweepLeftovers' }] }
        : stay(state)
    case 'orphanSweepDone':
      return { state: { ...state, orphanSweep: false }, actions: [] }
    case 'launchFailed':
      // Tried again at the next round.
      return holdsWorkers(state.phase) && current ? to(state, 'idle') : stay(state)
    case 'reconciled':
      return state.phase === 'starting' && current
        ? to(state, 'running', [{ kind: 'startWorkers', generation: state.generation }])
        : stay(state)
    case 'swept':
      return state.phase === 'sweeping' && current ? onSwept(host, state, event) : stay(state)
    case 'retiredHost':
      if (state.phase !== 'sweeping' || !current) return stay(state)
      // Not moved: the status changed meanwhile (e.g. decommissioned as it is); the next round decides.
      if (!event.moved) return to(state, 'running')
      return to({ ...state, failedSweeps: 0 }, 'retiring', [
        { kind: 'stopWorkers', abandon: false },
        log(`${host.name} decommissioned`),
      ])
    case 'drained':
      if (!current) return stay(state)
      // After its collector stopped: its final position write must not bring the keys back.
      if (state.phase === 'retiring') return to(state, 'retired', [{ kind: 'forgetLogPositions' }])
      return state.phase === 'draining' ? settle(host, heartbeat, state) : stay(state)
  }
}

function onSync(host: SupervisedHost, heartbeat: Heartbeat, state: SupervisorState): Transition {
  // Rows queued for a host that does not answer (a teardown, a mutation) fail at once, not hang.
  const failQueued: SupervisorAction[] =
    host.status === 'unreachable' ? [{ kind: 'failRows', reason: unreachableRowsReason(host) }] : []
  if (state.phase === 'retiring') return stay(state)
  if (state.phase === 'draining') return { state, actions: failQueued }
  if (WITHOUT_WORKERS.has(state.phase)) return settle(host, heartbeat, state)
  if (!wanted(host, heartbeat))
    return to(state, 'draining', [{ kind: 'stopWorkers', abandon: true }, ...failQueued])
  return state.phase === 'running' ? sweepIfDone(host, state) : stay(state)
}

/** A decommissioning host whose teardowns are done is swept (only while it answers: it has workers). */
function sweepIfDone(host: SupervisedHost, state: SupervisorState, actions: SupervisorAction[] = []) {
  return host.status === 'decommissioning' && !host.workLeft
    ? to(state, 'sweeping', [...actions, { kind: 'finalSweep', generation: state.generation }])
    : to(state, state.phase, actions)
}

/** Without workers (or their drain just ended): what the row asks for. */
function settle(host: SupervisedHost, heartbeat: Heartbeat, state: SupervisorState): Transition {
  if (state.phase === 'retired') return stay(state)
  // After its collector stopped: its final position write must not bring the keys back.
  if (host.status === 'decommissioned') return to(state, 'retired', [{ kind: 'forgetLogPositions' }])
  if (wanted(host, heartbeat)) {
    const generation = state.generation + 1
    const launched = { ...state, generation }
    // A decommissioning host is swept by its decommission; the others are reconciled before their runner starts.
    if (host.status === 'decommissioning') {
      return sweepIfDone(host, { ...launched, phase: 'running' }, [
        { kind: 'createWorkers', generation },
        { kind: 'startWorkers', generation },
      ])
    }
    return to(launched, 'starting', [
      { kind: 'createWorkers', generation },
      { kind: 'reconcileReturn', generation },
    ])
  }
  if (host.status === 'unreachable')
    return to(state, 'unreachable', [{ kind: 'failRows', reason: unreachableRowsReason(host) }])
  return to(state, 'idle')
}

/** The host stopped answering: its workers stop (abandoning what they do) and its unfinished rows fail. */
function onLost(state: SupervisorState, failRows: SupervisorAction, without: SupervisorPhase): Transition {
  if (state.phase === 'retired' || state.phase === 'retiring') return stay(state)
  if (holdsWorkers(state.phase))
    return to(state, 'draining', [{ kind: 'stopWorkers', abandon: true }, failRows])
  if (state.phase === 'draining') return { state, actions: [failRows] }
  return to(state, without, [failRows])
}

/**
 * The end of a decommission: whatever of ours was still there went; a host that cannot be swept after a
 * few rounds is retired anyway, with what was left logged.
 */
function onSwept(
  host: SupervisedHost,
  state: SupervisorState,
  { removed, errors }: { removed: number; errors: string[] },
): Transition {
  const actions = removed > 0 ? [log(`${host.name}: removed ${removed} containers left behind`)] : []
  const retire: SupervisorAction = { kind: 'retireHost', generation: state.generation }
  if (errors.length === 0) return to(state, 'sweeping', [...actions, retire])
  const failedSweeps = state.failedSweeps + 1
  const left = errors.join('; ').slice(0, 300)
  if (failedSweeps < MAX_FAILED_SWEEPS) {
    return to({ ...state, failedSweeps }, 'running', [
      ...actions,
      log(`${host.name} not clean yet (${failedSweeps}/${MAX_FAILED_SWEEPS}): ${left}`),
    ])
  }
  return to({ ...state, failedSweeps }, 'sweeping', [
    ...actions,
    log(`${host.name} retired with leftovers after ${failedSweeps} sweeps: ${left}`),
    retire,
  ])
}
