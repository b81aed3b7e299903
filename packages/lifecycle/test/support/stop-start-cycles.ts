import { getEventListeners } from 'node:events'
import { expect } from 'vitest'
import type { Wakeup } from '../../src/collector/reconnect.ts'
import type { DockerLogCollector } from '../../src/workers-index.ts'

type CollectorInternals = {
  abort: AbortController
  followers: Map<string, { life: AbortController; wakeup: Wakeup }>
}

export type CycleSamples = {
  /** Abort listeners on the container's follower signal, one sample a cycle. */
  followerCounts: number[]
  /** Abort listeners on the collector-wide signal, one sample a cycle. */
  collectorCounts: number[]
  /** The one follower signal of the container's whole life. */
  followerSignal: AbortSignal
  wallMs: number
  /** MaxListenersExceededWarning emitted while cycling and finishing. */
  listenerWarnings: Error[]
}

/**
 * Stop/start cycles of one followed container, against the real daemon or the API stand-in: each
 * cycle waits for the start's line, stops the container and samples the abort listeners in the same
 * state every time (the follower parked on the stopped container, where its one wait listens). A wait
 * that kept its listener would make the follower's count 2, 3, …
 */
export async function runStopStartCycles(options: {
  collector: DockerLogCollector
  containerId: string
  cycles: number
  /** Starts the container for this cycle so that it prints one line. */
  start: (cycle: number) => unknown
  stop: () => unknown
  pollIntervalMs: number
  timeoutMs: number
  /** Stops the collector (and what it feeds) after the last cycle. */
  finish: () => Promise<void>
}): Promise<CycleSamples> {
  const { collector, containerId, cycles, pollIntervalMs: interval, timeoutMs: timeout } = options
  const warnings: Error[] = []
  const onWarning = (warning: Error) => warnings.push(warning)
  process.on('warning', onWarning)
  try {
    const internals = collector as unknown as CollectorInternals
    const collectorSignal = internals.abort.signal
    const followerCounts: number[] = []
    const collectorCounts: number[] = []
    let followerSignal: AbortSignal | undefined
    const started = Date.now()
    for (let cycle = 1; cycle <= cycles; cycle++) {
      await options.start(cycle)
      // The follower really followed this start: its one line arrived.
      await expect.poll(() => collector.stats().lines, { timeout, interval }).toBe(cycle)
      await options.stop()
      const follower = internals.followers.get(containerId)
      if (!follower) throw new Error(`cycle ${cycle}: the container is no longer followed`)
      followerSignal ??= follower.life.signal
      expect(follower.life.signal).toBe(followerSignal) // one follower for the container's whole life
      await expect.poll(() => follower.wakeup.waiting, { timeout, interval }).toBe(true)
      followerCounts.push(getEventListeners(followerSignal, 'abort').length)
      collectorCounts.push(getEventListeners(collectorSignal, 'abort').length)
    }
    const wallMs = Date.now() - started
    await options.finish()
    await new Promise((resolve) => setImmediate(resolve)) // process.emitWarning delivers on the next tick
    if (!followerSignal) throw new Error('no cycle ran')
    const listenerWarnings = warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')
    return { followerCounts, collectorCounts, followerSignal, wallMs, listenerWarnings }
  } finally {
    process.off('warning', onWarning)
  }
}
