/**
 * The mutation scheduler: every `intervalMs` (10 s by default) each decky whose effective interval
 * (its own, else the global `globalMutationInterval` setting) has elapsed since its last mutation is
 * rotated through `commitMutation` with trigger `schedule`. A decky with attacker activity (Log rows)
 * in the last `activityWindowMinutes` is deferred, so a live session is never cut off; a decky whose
 * interval is off (no own interval, global null/unset) is never rotated. Time is injectable.
 */
import { effectiveIntervalMinutes, isMutationDue, parseInterval, type RandomSource } from '@decnet/core'
import type { Decky, DecnetDatabase } from '@decnet/db'
import type { Bus } from '../bus/bus.ts'
import { commitMutation } from './commit.ts'

export const GLOBAL_MUTATION_INTERVAL_KEY = 'globalMutationInterval'

export type MutatorDatabase = {
  fleet: Pick<DecnetDatabase['fleet'], 'list' | 'get' | 'commitMutation'>
  settings: Pick<DecnetDatabase['settings'], 'get'>
  logs: Pick<DecnetDatabase['logs'], 'search'>
}

export type MutatorSchedulerOptions = {
  db: MutatorDatabase
  bus?: Pick<Bus, 'publish'>
  wake?: () => void
  /** Tick period (default 10 s). */
  intervalMs?: number
  /** Attacker activity within this many minutes defers a decky (default 5). */
  activityWindowMinutes?: number
  now?: () => Date
  random?: RandomSource
  /** Overrides the activity check (default: any Log row for the decky since `since`). */
  hasRecentActivity?: (decky: string, since: Date) => Promise<boolean>
  /**
   * Ids of the hosts that answer now, read once per tick (default: every host). A decky on another host
   * is deferred: its mutation could only fail until the host is back.
   */
  answeringHosts?: () => Promise<ReadonlySet<string>>
  /** Whether an operator paused mutation (workers.pause); a paused pass mutates nothing. */
  isPaused?: () => Promise<boolean>
  /** After every tick (heartbeats, logs). */
  onTick?: (report: TickReport) => void
  onError?: (error: unknown) => void
}

export type DeferReason = 'attacker_active' | 'busy' | 'host_unreachable'

export type TickReport = {
  at: Date
  /** Paused by an operator: the pass looked at nothing. */
  paused: boolean
  globalIntervalMinutes: number | null
  mutated: { decky: string; lifecycleId: string; oldServices: string[]; newServices: string[] }[]
  deferred: { decky: string; reason: DeferReason }[]
  /** Deckies with an interval that is not due yet. */
  waiting: string[]
  /** Deckies whose interval is off. */
  off: string[]
  failed: { decky: string; error: string }[]
  /** Milliseconds until the next decky becomes due (null when none has an interval). */
  nextDueInMs: number | null
}

export type MutatorStats = { ticks: number; mutated: number; deferred: number; failed: number }

/** The global interval setting in minutes; unset or invalid means off. */
export async function readGlobalInterval(settings: MutatorDatabase['settings']): Promise<number | null> {
  const value = await settings.get(GLOBAL_MUTATION_INTERVAL_KEY)
  if (typeof value !== 'string') return null
  try {
    return parseInterval(value)
  } catch {
    return null
  }
}

export class MutatorScheduler {
  private readonly options: MutatorSchedulerOptions
  private readonly now: () => Date
  private timer: NodeJS.Timeout | undefined
  private running: Promise<TickReport> | undefined
  private counters: MutatorStats = { ticks: 0, mutated: 0, deferred: 0, failed: 0 }
  /** The last deferral per decky (what the UI/heartbeat can show). */
  readonly lastDeferred = new Map<string, { at: Date; reason: DeferReason }>()
  lastReport: TickReport | undefined

  constructor(options: MutatorSchedulerOptions) {
    this.options = options
    this.now = options.now ?? (() => new Date())
  }

  stats(): MutatorStats {
    return { ...this.counters }
  }

  start(): void {
    if (this.timer) return
    const period = this.options.intervalMs ?? 10_000
    const run = () => {
      this.tick().catch((error) => this.report(error))
    }
    this.timer = setInterval(run, period)
    this.timer.unref()
    run()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    if (this.running) await this.running.catch(() => undefined)
  }

  /** One pass over the fleet. Concurrent calls share the pass in progress. */
  tick(): Promise<TickReport> {
    if (this.running) return this.running
    this.running = this.pass().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private async pass(): Promise<TickReport> {
    const { db } = this.options
    const at = this.now()
    const globalMinutes = await readGlobalInterval(db.settings)
    const report: TickReport = {
      at,
      paused: false,
      globalIntervalMinutes: globalMinutes,
      mutated: [],
      deferred: [],
      waiting: [],
      off: [],
      failed: [],
      nextDueInMs: null,
    }
    if (await this.options.isPaused?.()) {
      report.paused = true
      this.counters.ticks++
      this.lastReport = report
      this.options.onTick?.(report)
      return report
    }
    const windowMs = (this.options.activityWindowMinutes ?? 5) * 60_000
    const answering = await this.options.answeringHosts?.()
    for (const decky of await db.fleet.list()) {
      const minutes = effectiveIntervalMinutes(decky.mutateInterval, globalMinutes)
      if (minutes === null) {
        report.off.push(decky.name)
        continue
      }
      const timing = {
        mutateIntervalMinutes: decky.mutateInterval,
        lastMutatedAt: decky.lastMutatedAt,
        createdAt: decky.createdAt,
      }
      if (!isMutationDue(timing, globalMinutes, at)) {
        report.waiting.push(decky.name)
        const reference = (decky.lastMutatedAt ?? decky.createdAt).getTime()
        const remaining = reference + minutes * 60_000 - at.getTime()
        report.nextDueInMs = report.nextDueInMs === null ? remaining : Math.min(report.nextDueInMs, remaining)
        continue
      }
      try {
        const reason =
          answering && !answering.has(decky.hostId)
            ? 'host_unreachable'
            : await this.deferReason(decky, new Date(at.getTime() - windowMs))
        if (reason) {
          report.deferred.push({ decky: decky.name, reason })
          this.lastDeferred.set(decky.name, { at, reason })
          this.counters.deferred++
          continue
        }
        const result = await commitMutation(
          {
            db,
            ...(this.options.bus ? { bus: this.options.bus } : {}),
            ...(this.options.wake ? { wake: this.options.wake } : {}),
            now: () => at,
          },
          decky,
          { trigger: 'schedule' },
          this.options.random,
        )
        this.lastDeferred.delete(decky.name)
        report.mutated.push({ decky: decky.name, ...result })
        this.counters.mutated++
      } catch (error) {
        report.failed.push({
          decky: decky.name,
          error: error instanceof Error ? error.message : String(error),
        })
        this.counters.failed++
        this.report(error)
      }
    }
    this.counters.ticks++
    this.lastReport = report
    this.options.onTick?.(report)
    return report
  }

  private async deferReason(decky: Decky, since: Date): Promise<DeferReason | undefined> {
    // A deploy or another mutation still in flight: rotating now would only queue more work.
    if (decky.state === 'pending') return 'busy'
    const active = this.options.hasRecentActivity
      ? await this.options.hasRecentActivity(decky.name, since)
      : await this.activitySince(decky.name, since)
    return active ? 'attacker_active' : undefined
  }

  private async activitySince(decky: string, since: Date): Promise<boolean> {
    const result = await this.options.db.logs.search({ q: `decky:"${decky}"`, from: since, limit: 1 })
    return result.rows.length > 0
  }

  private report(error: unknown) {
    if (this.options.onError) this.options.onError(error)
    else console.error('mutator:', error instanceof Error ? error.message : error)
  }
}
