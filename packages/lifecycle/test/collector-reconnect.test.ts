// The collector's one reconnect loop and its waits, without Docker: backoff, abort mid-wait, and
// that no wait leaves a listener on the signal it watched.
import { getEventListeners } from 'node:events'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pause, reconnectLoop, type SessionEnd, Wakeup } from '../src/collector/reconnect.ts'

let warnings: Error[] = []
const onWarning = (warning: Error) => warnings.push(warning)
beforeEach(() => {
  warnings = []
  process.on('warning', onWarning)
})
afterEach(() => {
  process.off('warning', onWarning)
})

const listenerWarnings = () => warnings.filter((w) => w.name === 'MaxListenersExceededWarning')
/** process.emitWarning delivers on the next tick. */
const warningsDelivered = () => new Promise((resolve) => setImmediate(resolve))

describe('reconnectLoop', () => {
  it('doubles the delay up to the maximum, starts over after a healthy session or a restart, ends on stop', async () => {
    const script: Array<{ end: SessionEnd; healthy?: boolean }> = [
      { end: 'retry' },
      { end: 'retry' },
      { end: 'retry' },
      { end: 'retry' },
      { end: 'retry', healthy: true },
      { end: 'retry' },
      { end: 'restart' },
      { end: 'retry' },
      { end: 'stop' },
    ]
    const attempts: number[] = []
    const waits: number[] = []
    const signal = new AbortController().signal
    await reconnectLoop(
      async (session) => {
        attempts.push(session.attempt)
        const step = script[session.attempt]
        if (!step) throw new Error('ran past the script')
        if (step.healthy) session.healthy()
        return step.end
      },
      { signal, initialMs: 5, maxMs: 20, onReconnect: (waited) => waits.push(waited) },
    )
    expect(attempts).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
    // 5 → 10 → 20 → 20 (max); healthy: 5 again, then 10; a restart waits nothing and resets to 5.
    expect(waits).toEqual([5, 10, 20, 20, 5, 10, 0, 5])
  })

  it('an abort in the middle of a long backoff wait ends the loop at once and leaves no listener', async () => {
    const controller = new AbortController()
    let sessions = 0
    const loop = reconnectLoop(
      async () => {
        sessions++
        return 'retry'
      },
      { signal: controller.signal, initialMs: 600_000, maxMs: 600_000 },
    )
    await expect.poll(() => getEventListeners(controller.signal, 'abort').length).toBe(1) // waiting
    controller.abort()
    await loop // would hang for ten minutes (past the test timeout) if the wait ignored the abort
    expect(sessions).toBe(1)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('a session that throws ends the loop with its error', async () => {
    const signal = new AbortController().signal
    await expect(
      reconnectLoop(
        async () => {
          throw new Error('daemon said no')
        },
        { signal, initialMs: 1, maxMs: 1 },
      ),
    ).rejects.toThrow('daemon said no')
  })

  it('a thousand reconnections with backoff waits leave no listener on the signal', async () => {
    const signal = new AbortController().signal
    const during: number[] = []
    await reconnectLoop(
      async (session) => {
        during.push(getEventListeners(signal, 'abort').length)
        return session.attempt < 1000 ? 'retry' : 'stop'
      },
      { signal, initialMs: 0, maxMs: 0 },
    )
    expect(during).toHaveLength(1001)
    expect(Math.max(...during)).toBe(0)
    await warningsDelivered()
    expect(listenerWarnings()).toEqual([])
  })
})

describe('pause', () => {
  it('waits, or answers false at once when aborted, removing its listener either way', async () => {
    const controller = new AbortController()
    expect(await pause(1, controller.signal)).toBe(true)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    const long = pause(600_000, controller.signal)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    controller.abort()
    expect(await long).toBe(false)
    expect(await pause(600_000, controller.signal)).toBe(false)
  })
})

describe('Wakeup', () => {
  it('a wait ends on wake or abort and takes its abort listener with it', async () => {
    const controller = new AbortController()
    const wakeup = new Wakeup()
    const counts: number[] = []
    for (let i = 0; i < 1000; i++) {
      const parked = wakeup.wait(controller.signal)
      counts.push(getEventListeners(controller.signal, 'abort').length)
      wakeup.wake()
      await parked
    }
    expect(new Set(counts)).toEqual(new Set([1])) // one while parked, never more
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    const parked = wakeup.wait(controller.signal)
    controller.abort()
    await parked
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    await warningsDelivered()
    expect(listenerWarnings()).toEqual([])
  })

  it('keeps a wake that comes before the wait (the container started just before the follower parked)', async () => {
    const controller = new AbortController()
    const wakeup = new Wakeup()
    wakeup.wake()
    wakeup.wake() // several wakes before one wait are one wake
    await wakeup.wait(controller.signal) // returns at once, or the test times out
    const second = wakeup.wait(controller.signal)
    let woken = false
    void second.then(() => {
      woken = true
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(woken).toBe(false) // the kept wake was used up
    wakeup.wake()
    await second
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('the warning these tests watch for is really caught: the old park (listener kept after wake) trips it', async () => {
    const signal = new AbortController().signal
    // The collector's park before the fix: woken by resolve(), its abort listener stayed behind.
    for (let i = 0; i < 11; i++) {
      await new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => resolve(), { once: true })
        resolve()
      })
    }
    await warningsDelivered()
    expect(getEventListeners(signal, 'abort')).toHaveLength(11)
    expect(listenerWarnings()).toHaveLength(1)
  })
})
