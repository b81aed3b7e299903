import { describe, expect, it } from 'vitest'
import {
  MAX_FAILED_SWEEPS,
  SUPERVISOR_PHASES,
  type SupervisedHost,
  type SupervisorAction,
  type SupervisorEvent,
  type SupervisorEventKind,
  type SupervisorPhase,
  type SupervisorState,
} from '../src/workers/host-supervision.ts'
import { HostSupervisor } from '../src/workers/host-supervisor.ts'

/**
 * Every state × event of an enrolled host's supervision, with the edge cases the history of
 * host-workers.ts fixed named after their commit. Pure: no Docker, no database, no timer.
 */

const NOW = Date.parse('2026-12-03T06:00:00Z')
const BEAT_MS = 1_000
const heartbeat = { intervalMs: BEAT_MS, now: NOW }
/** The workers' generation the state holds; events of generation 0 come from workers since replaced. */
const GEN = 1
const STALE = 0

const answeredAgo = (ms: number) => new Date(NOW - ms)
const HOSTS = {
  active: { status: 'active', lastHeartbeat: answeredAgo(500) },
  enrolled: { status: 'enrolled', lastHeartbeat: null },
  activeWithoutTls: { status: 'active', tls: false },
  unreachable: { status: 'unreachable', lastHeartbeat: answeredAgo(10 * BEAT_MS) },
  /** Decommissioning, answered within 3 heartbeats, teardowns still queued. */
  decommissioningBusy: { status: 'decommissioning', lastHeartbeat: answeredAgo(500), workLeft: true },
  /** Decommissioning, answered within 3 heartbeats, teardowns done (pending_removal deckies do not count). */
  decommissioningDone: { status: 'decommissioning', lastHeartbeat: answeredAgo(500), workLeft: false },
  /** Decommissioning, last answer 3 heartbeats ago: silent. */
  decommissioningSilent: {
    status: 'decommissioning',
    lastHeartbeat: answeredAgo(3 * BEAT_MS),
    workLeft: true,
  },
  decommissioningNeverAnswered: { status: 'decommissioning', lastHeartbeat: null, workLeft: false },
  decommissioned: { status: 'decommissioned', lastHeartbeat: answeredAgo(60 * BEAT_MS) },
} satisfies Record<string, Partial<SupervisedHost>>
type HostCase = keyof typeof HOSTS

const hostOf = (which: HostCase): SupervisedHost => ({
  name: 'second',
  tls: true,
  workLeft: false,
  lastHeartbeat: null,
  ...HOSTS[which],
})

const SILENT_REASON = 'host second stopped answering (3 missed heartbeats): timeout'
const UNREACHABLE_REASON = 'host second stopped answering (3 missed heartbeats): ECONNREFUSED'
const EVENTS: Record<SupervisorEventKind, SupervisorEvent> = {
  sync: { kind: 'sync' },
  unreachable: { kind: 'unreachable', reason: UNREACHABLE_REASON },
  silent: { kind: 'silent', reason: SILENT_REASON },
  periodicSweep: { kind: 'periodicSweep' },
  leftoversAnswered: { kind: 'leftoversAnswered' },
  orphanSweepDone: { kind: 'orphanSweepDone' },
  launchFailed: { kind: 'launchFailed', generation: GEN },
  reconciled: { kind: 'reconciled', generation: GEN },
  swept: { kind: 'swept', generation: GEN, removed: 0, errors: [] },
  retiredHost: { kind: 'retiredHost', generation: GEN, moved: true },
  drained: { kind: 'drained', generation: GEN },
  shutdown: { kind: 'shutdown' },
}
const EVENT_KINDS = Object.keys(EVENTS) as SupervisorEventKind[]

// The actions, as the supervisor is told them.
const create = (generation = GEN + 1): SupervisorAction => ({ kind: 'createWorkers', generation })
const reconcileReturn = (generation = GEN + 1): SupervisorAction => ({ kind: 'reconcileReturn', generation })
const start = (generation = GEN + 1): SupervisorAction => ({ kind: 'startWorkers', generation })
const stopAbandoning: SupervisorAction = { kind: 'stopWorkers', abandon: true }
const stopFinishing: SupervisorAction = { kind: 'stopWorkers', abandon: false }
const failRows = (reason: string): SupervisorAction => ({ kind: 'failRows', reason })
const failQueuedRows = failRows(
  'host second is unreachable; nothing was done there (its containers stay until it answers again)',
)
const failUnreachableRows = failRows(UNREACHABLE_REASON)
const failSilentRows = failRows(
  `${SILENT_REASON}; it stays decommissioning and is cleaned up when it answers (decommission it again to retire it as it is)`,
)
const finalSweep = (generation = GEN): SupervisorAction => ({ kind: 'finalSweep', generation })
const retireHost: SupervisorAction = { kind: 'retireHost', generation: GEN }
const sweepOrphans: SupervisorAction = { kind: 'sweepOrphans' }
const sweepLeftovers: SupervisorAction = { kind: 'sweepLeftovers' }
const forget: SupervisorAction = { kind: 'forgetLogPositions' }
const log = (line: string): SupervisorAction => ({ kind: 'log', line: `decnet hosts: ${line}` })

type Row = {
  /** What the row shows (the edge cases name the commit that fixed them). */
  name: string
  phase: SupervisorPhase
  event: SupervisorEvent
  host?: HostCase
  state?: Partial<SupervisorState>
  then: SupervisorPhase
  actions?: SupervisorAction[]
  /** State fields besides the phase that must hold after (generation stays GEN unless given). */
  after?: Partial<SupervisorState>
}

const row = (
  phase: SupervisorPhase,
  event: SupervisorEventKind | SupervisorEvent,
  then: SupervisorPhase,
  name: string,
  extra: Omit<Row, 'name' | 'phase' | 'event' | 'then'> = {},
): Row => ({ name, phase, event: typeof event === 'string' ? EVENTS[event] : event, then, ...extra })

/** Events a phase has nothing to do with: the state stays as it is. */
const ignored = (phase: SupervisorPhase, kinds: SupervisorEventKind[], why: string): Row[] =>
  kinds.map((kind) => row(phase, kind, phase, `${kind} ignored: ${why}`, { actions: [] }))

const stale = {
  launchFailed: { kind: 'launchFailed', generation: STALE },
  reconciled: { kind: 'reconciled', generation: STALE },
  swept: { kind: 'swept', generation: STALE, removed: 0, errors: [] },
  retiredHost: { kind: 'retiredHost', generation: STALE, moved: true },
  drained: { kind: 'drained', generation: STALE },
} satisfies Partial<Record<SupervisorEventKind, SupervisorEvent>>

const TABLE: Row[] = [
  // ── idle: no workers, not driven ──────────────────────────────────────────────────────────────────
  row(
    'idle',
    'sync',
    'starting',
    'an answering host gets workers, reconciled before its runner starts (75a33e6)',
    {
      host: 'active',
      actions: [create(), reconcileReturn()],
      after: { generation: GEN + 1 },
    },
  ),
  row(
    'idle',
    'sync',
    'running',
    'a decommissioning host that answered within 3 beats is driven, not reconciled (00cffa6, 75a33e6)',
    {
      host: 'decommissioningBusy',
      actions: [create(), start()],
      after: { generation: GEN + 1 },
    },
  ),
  row('idle', 'sync', 'sweeping', 'an empty decommissioning host is swept too (3983a89)', {
    host: 'decommissioningDone',
    actions: [create(), start(), finalSweep(GEN + 1)],
    after: { generation: GEN + 1 },
  }),
  row(
    'idle',
    'sync',
    'idle',
    'a silent decommissioning host is never relaunched and swept into retirement (00cffa6)',
    {
      host: 'decommissioningSilent',
      actions: [],
    },
  ),
  row('idle', 'sync', 'idle', 'a decommissioning host that never answered is not driven (00cffa6)', {
    host: 'decommissioningNeverAnswered',
    actions: [],
  }),
  row('idle', 'sync', 'idle', 'an enrolled host waits for its first answer', {
    host: 'enrolled',
    actions: [],
  }),
  row('idle', 'sync', 'idle', 'a host without TLS material cannot be driven', {
    host: 'activeWithoutTls',
    actions: [],
  }),
  row('idle', 'sync', 'unreachable', 'rows queued for an unreachable host fail at once, not hang (f0fd077)', {
    host: 'unreachable',
    actions: [failQueuedRows],
  }),
  row('idle', 'sync', 'retired', "a decommissioned host's collector positions are removed (b2c520a)", {
    host: 'decommissioned',
    actions: [forget],
  }),
  row(
    'idle',
    'unreachable',
    'unreachable',
    'an enrolled host that never answered fails its own rows only (ea872e6)',
    {
      actions: [failUnreachableRows],
    },
  ),
  row(
    'idle',
    'silent',
    'idle',
    'a silent decommissioning host fails its teardowns and stays decommissioning (3983a89)',
    {
      actions: [failSilentRows],
    },
  ),
  ...ignored('idle', ['periodicSweep'], 'no workers to sweep with'),
  row(
    'idle',
    'leftoversAnswered',
    'idle',
    'a host decommissioned while silent answers: its leftovers are swept (75a33e6)',
    {
      host: 'decommissioned',
      actions: [sweepLeftovers],
      after: { orphanSweep: true },
    },
  ),
  row('idle', 'leftoversAnswered', 'idle', 'one sweep at a time per host (75a33e6)', {
    host: 'decommissioned',
    state: { orphanSweep: true },
    actions: [],
    after: { orphanSweep: true },
  }),
  row('idle', 'orphanSweepDone', 'idle', 'the next sweep may start', {
    state: { orphanSweep: true },
    actions: [],
    after: { orphanSweep: false },
  }),
  ...ignored(
    'idle',
    ['launchFailed', 'reconciled', 'swept', 'retiredHost', 'drained'],
    'no workers of its own',
  ),
  row('idle', 'shutdown', 'stopped', 'shutdown without workers', { actions: [] }),

  // ── unreachable: no workers, rows fail every round ────────────────────────────────────────────────
  row(
    'unreachable',
    'sync',
    'unreachable',
    'rows queued for an unreachable host fail every round (f0fd077)',
    {
      host: 'unreachable',
      actions: [failQueuedRows],
    },
  ),
  row(
    'unreachable',
    'sync',
    'starting',
    'a host back: swept at age 0 and cut-short deckies redeployed before its runner (75a33e6)',
    {
      host: 'active',
      actions: [create(), reconcileReturn()],
      after: { generation: GEN + 1 },
    },
  ),
  row(
    'unreachable',
    'sync',
    'retired',
    'decommissioned as it is while unreachable: positions removed (b2c520a)',
    {
      host: 'decommissioned',
      actions: [forget],
    },
  ),
  row('unreachable', 'unreachable', 'unreachable', 'reported again: its rows fail with the reason', {
    actions: [failUnreachableRows],
  }),
  row(
    'unreachable',
    'silent',
    'idle',
    'silent while decommissioning: teardowns fail, it stays decommissioning (3983a89)',
    {
      actions: [failSilentRows],
    },
  ),
  ...ignored('unreachable', ['periodicSweep'], 'no workers to sweep with'),
  row('unreachable', 'leftoversAnswered', 'unreachable', 'leftovers swept once decommissioned (75a33e6)', {
    host: 'decommissioned',
    actions: [sweepLeftovers],
    after: { orphanSweep: true },
  }),
  row(
    'unreachable',
    'leftoversAnswered',
    'unreachable',
    'only a decommissioned host has leftovers to sweep',
    {
      host: 'unreachable',
      actions: [],
    },
  ),
  row('unreachable', 'orphanSweepDone', 'unreachable', 'the next sweep may start', {
    state: { orphanSweep: true },
    after: { orphanSweep: false },
  }),
  ...ignored(
    'unreachable',
    ['launchFailed', 'reconciled', 'swept', 'retiredHost', 'drained'],
    'no workers of its own',
  ),
  row('unreachable', 'shutdown', 'stopped', 'shutdown without workers', { actions: [] }),

  // ── starting: workers built, return reconciliation under way ──────────────────────────────────────
  row('starting', 'sync', 'starting', 'still answering: the reconciliation goes on', {
    host: 'active',
    actions: [],
  }),
  row(
    'starting',
    'sync',
    'draining',
    'unreachable mid-return: workers abandoned, queued rows fail (f0fd077)',
    {
      host: 'unreachable',
      actions: [stopAbandoning, failQueuedRows],
    },
  ),
  row('starting', 'sync', 'draining', 'decommissioned as it is mid-return: workers abandoned (b2c520a)', {
    host: 'decommissioned',
    actions: [stopAbandoning],
  }),
  row(
    'starting',
    'unreachable',
    'draining',
    'workers stop, abandoning their operations; rows fail (ea872e6, f0fd077)',
    {
      actions: [stopAbandoning, failUnreachableRows],
    },
  ),
  row(
    'starting',
    'silent',
    'draining',
    'silent while decommissioning: workers stop, teardowns fail (3983a89)',
    {
      actions: [stopAbandoning, failSilentRows],
    },
  ),
  ...ignored('starting', ['periodicSweep'], 'no periodic sweep before the runner starts (75a33e6)'),
  ...ignored('starting', ['leftoversAnswered'], 'a host with workers has no leftovers'),
  row('starting', 'orphanSweepDone', 'starting', 'the next sweep may start', {
    state: { orphanSweep: true },
    after: { orphanSweep: false },
  }),
  row(
    'starting',
    'launchFailed',
    'idle',
    'TLS material sealed under another key: tried again next round, others unaffected (f0fd077)',
    {
      actions: [],
    },
  ),
  row('starting', stale.launchFailed, 'starting', 'a launch failure of earlier workers is ignored', {
    actions: [],
  }),
  row(
    'starting',
    'reconciled',
    'running',
    'the runner and log follower start once the host matches the fleet (75a33e6)',
    {
      actions: [start(GEN)],
    },
  ),
  row(
    'starting',
    stale.reconciled,
    'starting',
    'a reconciliation of earlier workers starts nothing (f0fd077)',
    {
      actions: [],
    },
  ),
  ...ignored('starting', ['swept', 'retiredHost', 'drained'], 'not sweeping nor draining'),
  row('starting', 'shutdown', 'stopped', 'shutdown lets the workers finish', { actions: [stopFinishing] }),

  // ── running ───────────────────────────────────────────────────────────────────────────────────────
  row('running', 'sync', 'running', 'a host in use stays driven', { host: 'active', actions: [] }),
  row('running', 'sync', 'running', 'a decommission waits for its teardowns', {
    host: 'decommissioningBusy',
    actions: [],
  }),
  row(
    'running',
    'sync',
    'sweeping',
    'teardowns done (pending_removal deckies are the sweep’s): final sweep in the background (052ba68, 3983a89, d971c20)',
    {
      host: 'decommissioningDone',
      actions: [finalSweep()],
    },
  ),
  row(
    'running',
    'sync',
    'draining',
    'a decommissioning host silent for 3 beats loses its workers (00cffa6)',
    {
      host: 'decommissioningSilent',
      actions: [stopAbandoning],
    },
  ),
  row('running', 'sync', 'draining', 'unreachable: workers abandoned, queued rows fail (f0fd077)', {
    host: 'unreachable',
    actions: [stopAbandoning, failQueuedRows],
  }),
  row(
    'running',
    'sync',
    'draining',
    'decommissioned meanwhile: workers abandoned, positions go once drained',
    {
      host: 'decommissioned',
      actions: [stopAbandoning],
    },
  ),
  row('running', 'sync', 'draining', 'TLS material gone: not driven any more', {
    host: 'activeWithoutTls',
    actions: [stopAbandoning],
  }),
  row(
    'running',
    'unreachable',
    'draining',
    'an unreachable host fails only its own rows (ea872e6, f0fd077)',
    {
      actions: [stopAbandoning, failUnreachableRows],
    },
  ),
  row(
    'running',
    'silent',
    'draining',
    'a decommissioning host that goes silent stays decommissioning (3983a89)',
    {
      actions: [stopAbandoning, failSilentRows],
    },
  ),
  row('running', 'periodicSweep', 'running', 'periodic orphan sweep of a host in use (75a33e6)', {
    host: 'active',
    actions: [sweepOrphans],
    after: { orphanSweep: true },
  }),
  row('running', 'periodicSweep', 'running', 'one sweep at a time per host (75a33e6)', {
    host: 'active',
    state: { orphanSweep: true },
    actions: [],
    after: { orphanSweep: true },
  }),
  row(
    'running',
    'periodicSweep',
    'running',
    'a decommissioning host is swept by its decommission (75a33e6)',
    {
      host: 'decommissioningBusy',
      actions: [],
    },
  ),
  ...ignored('running', ['leftoversAnswered'], 'a host with workers has no leftovers'),
  row('running', 'orphanSweepDone', 'running', 'the next sweep may start', {
    state: { orphanSweep: true },
    after: { orphanSweep: false },
  }),
  row(
    'running',
    'launchFailed',
    'idle',
    'a decommissioning host whose workers could not be built: next round (f0fd077)',
    {
      actions: [],
    },
  ),
  ...ignored('running', ['reconciled', 'swept', 'retiredHost', 'drained'], 'already running'),
  row('running', 'shutdown', 'stopped', 'shutdown lets the workers finish', { actions: [stopFinishing] }),

  // ── sweeping: the final sweep of a decommission ───────────────────────────────────────────────────
  row('sweeping', 'sync', 'sweeping', 'a slow sweep does not hold up rounds, nor start twice (3983a89)', {
    host: 'decommissioningDone',
    actions: [],
  }),
  row(
    'sweeping',
    'sync',
    'draining',
    'silent mid-sweep: workers abandoned, it stays decommissioning (00cffa6)',
    {
      host: 'decommissioningSilent',
      actions: [stopAbandoning],
    },
  ),
  row('sweeping', 'sync', 'draining', 'decommissioned as it is mid-sweep: workers abandoned', {
    host: 'decommissioned',
    actions: [stopAbandoning],
  }),
  row('sweeping', 'unreachable', 'draining', 'workers stop, rows fail (ea872e6)', {
    actions: [stopAbandoning, failUnreachableRows],
  }),
  row(
    'sweeping',
    'silent',
    'draining',
    'silent mid-sweep: it stays decommissioning, swept when it answers (3983a89)',
    {
      actions: [stopAbandoning, failSilentRows],
    },
  ),
  ...ignored('sweeping', ['periodicSweep', 'leftoversAnswered'], 'the final sweep is under way'),
  row('sweeping', 'orphanSweepDone', 'sweeping', 'the next sweep may start', {
    state: { orphanSweep: true },
    after: { orphanSweep: false },
  }),
  row(
    'sweeping',
    'launchFailed',
    'idle',
    'an empty decommissioning host whose workers could not be built: next round',
    {
      actions: [],
    },
  ),
  ...ignored('sweeping', ['reconciled', 'drained'], 'not starting nor draining'),
  row(
    'sweeping',
    { kind: 'swept', generation: GEN, removed: 2, errors: [] },
    'sweeping',
    'clean: containers left behind removed, then retired (052ba68)',
    {
      actions: [log('second: removed 2 containers left behind'), retireHost],
    },
  ),
  row(
    'sweeping',
    { kind: 'swept', generation: GEN, removed: 0, errors: ['boom'] },
    'running',
    'not clean: retried next round (052ba68, 3983a89)',
    {
      actions: [log(`second not clean yet (1/${MAX_FAILED_SWEEPS}): boom`)],
      after: { failedSweeps: 1 },
    },
  ),
  row(
    'sweeping',
    { kind: 'swept', generation: GEN, removed: 1, errors: ['a', 'b'] },
    'sweeping',
    `retired with leftovers after ${MAX_FAILED_SWEEPS} failed sweeps (3983a89)`,
    {
      state: { failedSweeps: MAX_FAILED_SWEEPS - 1 },
      actions: [
        log('second: removed 1 containers left behind'),
        log(`second retired with leftovers after ${MAX_FAILED_SWEEPS} sweeps: a; b`),
        retireHost,
      ],
      after: { failedSweeps: MAX_FAILED_SWEEPS },
    },
  ),
  row('sweeping', stale.swept, 'sweeping', 'a sweep by earlier workers retires nothing', { actions: [] }),
  row(
    'sweeping',
    'retiredHost',
    'retiring',
    'decommissioned: workers stop, letting their operations finish (f0fd077)',
    {
      state: { failedSweeps: 2 },
      actions: [stopFinishing, log('second decommissioned')],
      after: { failedSweeps: 0 },
    },
  ),
  row(
    'sweeping',
    { kind: 'retiredHost', generation: GEN, moved: false },
    'running',
    'the status moved meanwhile: a decommission is never undone, the next round decides (f0fd077)',
    {
      actions: [],
    },
  ),
  row('sweeping', stale.retiredHost, 'sweeping', 'a retirement by earlier workers is ignored', {
    actions: [],
  }),
  row(
    'sweeping',
    'shutdown',
    'stopped',
    'shutdown lets the workers finish; the sweep’s end changes nothing',
    {
      actions: [stopFinishing],
    },
  ),

  // ── draining: previous workers finishing ──────────────────────────────────────────────────────────
  row(
    'draining',
    'sync',
    'draining',
    'back from unreachable: no second runtime until the old one drained (f0fd077)',
    {
      host: 'active',
      actions: [],
    },
  ),
  row('draining', 'sync', 'draining', 'still unreachable: queued rows fail every round (f0fd077)', {
    host: 'unreachable',
    actions: [failQueuedRows],
  }),
  row(
    'draining',
    'sync',
    'draining',
    'decommissioned: positions removed only after the collector stopped (3983a89)',
    {
      host: 'decommissioned',
      actions: [],
    },
  ),
  row('draining', 'unreachable', 'draining', 'rows fail with the reason', { actions: [failUnreachableRows] }),
  row('draining', 'silent', 'draining', 'teardowns fail with why; it stays decommissioning (3983a89)', {
    actions: [failSilentRows],
  }),
  ...ignored('draining', ['periodicSweep'], 'no periodic sweep while the old workers drain (75a33e6)'),
  row('draining', 'leftoversAnswered', 'draining', 'leftovers wait until the old workers drained', {
    host: 'decommissioned',
    actions: [],
  }),
  row('draining', 'orphanSweepDone', 'draining', 'the next sweep may start', {
    state: { orphanSweep: true },
    after: { orphanSweep: false },
  }),
  ...ignored('draining', ['launchFailed', 'reconciled', 'retiredHost'], 'those workers are stopping'),
  row('draining', 'swept', 'draining', 'a final sweep that ends after the host went silent retires nothing', {
    actions: [],
  }),
  row(
    'draining',
    'drained',
    'starting',
    'drained and answering: the new runtime is reconciled, then starts (f0fd077, 75a33e6)',
    {
      host: 'active',
      actions: [create(), reconcileReturn()],
      after: { generation: GEN + 1 },
    },
  ),
  row(
    'draining',
    'drained',
    'running',
    'drained, decommissioning and answering: driven to finish its teardowns (00cffa6)',
    {
      host: 'decommissioningBusy',
      actions: [create(), start()],
      after: { generation: GEN + 1 },
    },
  ),
  row('draining', 'drained', 'idle', 'drained and silent while decommissioning: left alone (00cffa6)', {
    host: 'decommissioningSilent',
    actions: [],
  }),
  row('draining', 'drained', 'unreachable', 'drained and unreachable: rows queued meanwhile fail (f0fd077)', {
    host: 'unreachable',
    actions: [failQueuedRows],
  }),
  row(
    'draining',
    'drained',
    'retired',
    'drained and decommissioned: the final position write cannot bring keys back (3983a89)',
    {
      host: 'decommissioned',
      actions: [forget],
    },
  ),
  row('draining', stale.drained, 'draining', 'a drain of earlier workers is not this one', {
    host: 'active',
    actions: [],
  }),
  row('draining', 'shutdown', 'stopped', 'shutdown waits for the drain already under way', { actions: [] }),

  // ── retiring: decommissioned by its final sweep, its workers finishing ──────────────────────────────
  row('retiring', 'sync', 'retiring', 'the row read before the status change starts nothing', {
    host: 'decommissioningDone',
    actions: [],
  }),
  row('retiring', 'sync', 'retiring', 'the row says decommissioned: still waits for the drain', {
    host: 'decommissioned',
    actions: [],
  }),
  ...ignored('retiring', ['unreachable', 'silent', 'periodicSweep'], 'decommissioned is final'),
  row('retiring', 'leftoversAnswered', 'retiring', 'nothing was left: it answered while its workers finish', {
    host: 'decommissioned',
    actions: [],
  }),
  row('retiring', 'orphanSweepDone', 'retiring', 'the next sweep may start', {
    state: { orphanSweep: true },
    after: { orphanSweep: false },
  }),
  ...ignored(
    'retiring',
    ['launchFailed', 'reconciled', 'swept', 'retiredHost'],
    'those workers are stopping',
  ),
  row(
    'retiring',
    'drained',
    'retired',
    'drained before any round read the new status: retired, never driven again (the relaunch after “decommissioned”)',
    { host: 'decommissioningDone', actions: [forget] },
  ),
  row('retiring', stale.drained, 'retiring', 'a drain of earlier workers is not this one', { actions: [] }),
  row('retiring', 'shutdown', 'stopped', 'shutdown waits for the drain already under way', { actions: [] }),

  // ── retired: decommissioned ───────────────────────────────────────────────────────────────────────
  row('retired', 'sync', 'retired', 'positions are removed once per process (b2c520a)', {
    host: 'decommissioned',
    actions: [],
  }),
  ...ignored('retired', ['unreachable', 'silent', 'periodicSweep'], 'decommissioned is final'),
  row(
    'retired',
    'leftoversAnswered',
    'retired',
    'a retired host with leftovers answers: they are swept (75a33e6)',
    {
      host: 'decommissioned',
      actions: [sweepLeftovers],
      after: { orphanSweep: true },
    },
  ),
  row('retired', 'leftoversAnswered', 'retired', 'one leftovers sweep at a time (75a33e6)', {
    host: 'decommissioned',
    state: { orphanSweep: true },
    actions: [],
    after: { orphanSweep: true },
  }),
  row('retired', 'orphanSweepDone', 'retired', 'asked again at its next answer if not clean', {
    state: { orphanSweep: true },
    after: { orphanSweep: false },
  }),
  ...ignored('retired', ['launchFailed', 'reconciled', 'swept', 'retiredHost', 'drained'], 'no workers'),
  row('retired', 'shutdown', 'stopped', 'shutdown', { actions: [] }),

  // ── stopped: shutting down ────────────────────────────────────────────────────────────────────────
  ...EVENT_KINDS.map((kind) =>
    row('stopped', kind, 'stopped', `${kind} after shutdown: nothing starts again`, {
      host: 'active',
      actions: [],
    }),
  ),
]

describe('HostSupervisor.nextActions', () => {
  it.each(TABLE)('$phase × $event.kind: $name', ({ phase, event, host, state, then, actions, after }) => {
    const before: SupervisorState = { phase, generation: GEN, failedSweeps: 0, orphanSweep: false, ...state }
    const next = HostSupervisor.nextActions(hostOf(host ?? 'active'), heartbeat, before, event)
    expect(next.state).toEqual({ ...before, generation: GEN, ...after, phase: then })
    expect(next.actions).toEqual(actions ?? [])
  })

  it('the table covers every state × event', () => {
    const covered = new Set(TABLE.map(({ phase, event }) => `${phase} × ${event.kind}`))
    const missing = SUPERVISOR_PHASES.flatMap((phase) =>
      EVENT_KINDS.map((kind) => `${phase} × ${kind}`).filter((pair) => !covered.has(pair)),
    )
    expect(missing).toEqual([])
    expect(new Set(TABLE.map(({ phase, event, name }) => `${phase} ${event.kind} ${name}`)).size).toBe(
      TABLE.length,
    )
  })

  it('the transitions do not change the state they are given', () => {
    for (const { phase, event, host, state } of TABLE) {
      const before = Object.freeze({ phase, generation: GEN, failedSweeps: 0, orphanSweep: false, ...state })
      expect(() =>
        HostSupervisor.nextActions(hostOf(host ?? 'active'), heartbeat, before, event),
      ).not.toThrow()
    }
  })

  it('a host that goes unreachable and comes back: one set of workers at a time, reconciled before it runs', () => {
    let state: SupervisorState = { phase: 'idle', generation: 0, failedSweeps: 0, orphanSweep: false }
    const seen: SupervisorAction[][] = []
    const step = (which: HostCase, event: SupervisorEvent) => {
      const next = HostSupervisor.nextActions(hostOf(which), heartbeat, state, event)
      state = next.state
      seen.push(next.actions)
    }
    step('active', { kind: 'sync' })
    step('active', { kind: 'reconciled', generation: 1 })
    step('unreachable', { kind: 'unreachable', reason: UNREACHABLE_REASON })
    step('active', { kind: 'sync' }) // answers again before the old workers drained
    step('active', { kind: 'reconciled', generation: 1 }) // late completion of the old workers
    step('active', { kind: 'drained', generation: 1 })
    step('active', { kind: 'reconciled', generation: 2 })
    expect(state.phase).toBe('running')
    expect(seen).toEqual([
      [create(1), reconcileReturn(1)],
      [start(1)],
      [stopAbandoning, failUnreachableRows],
      [],
      [],
      [create(2), reconcileReturn(2)],
      [start(2)],
    ])
  })

  it('a decommission: teardowns, two failed sweeps, a clean one, retired, drained, positions removed', () => {
    let state: SupervisorState = { phase: 'running', generation: 1, failedSweeps: 0, orphanSweep: false }
    const kinds: string[] = []
    const step = (which: HostCase, event: SupervisorEvent) => {
      const next = HostSupervisor.nextActions(hostOf(which), heartbeat, state, event)
      state = next.state
      kinds.push(`${state.phase}: ${next.actions.map((action) => action.kind).join(',')}`)
    }
    step('decommissioningBusy', { kind: 'sync' })
    for (let round = 0; round < 2; round++) {
      step('decommissioningDone', { kind: 'sync' })
      step('decommissioningDone', { kind: 'swept', generation: 1, removed: 0, errors: ['daemon busy'] })
    }
    step('decommissioningDone', { kind: 'sync' })
    step('decommissioningDone', { kind: 'swept', generation: 1, removed: 3, errors: [] })
    step('decommissioningDone', { kind: 'retiredHost', generation: 1, moved: true })
    step('decommissioned', { kind: 'sync' })
    step('decommissioned', { kind: 'drained', generation: 1 })
    step('decommissioned', { kind: 'sync' })
    // The drain usually ends before any round reads the new status: the same end.
    state = { phase: 'sweeping', generation: 1, failedSweeps: 0, orphanSweep: false }
    step('decommissioningDone', { kind: 'retiredHost', generation: 1, moved: true })
    step('decommissioningDone', { kind: 'drained', generation: 1 })
    step('decommissioned', { kind: 'sync' })
    expect(kinds).toEqual([
      'running: ',
      'sweeping: finalSweep',
      'running: log',
      'sweeping: finalSweep',
      'running: log',
      'sweeping: finalSweep',
      'sweeping: log,retireHost',
      'retiring: stopWorkers,log',
      'retiring: ',
      'retired: forgetLogPositions',
      'retired: ',
      'retiring: stopWorkers,log',
      'retired: forgetLogPositions',
      'retired: ',
    ])
    expect(state.failedSweeps).toBe(0)
  })
})
