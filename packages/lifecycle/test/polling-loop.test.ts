import { describe, expect, it } from 'vitest'
import { healthWithLastError } from '../src/workers/heartbeat.ts'
import { PollingLoop } from '../src/workers/polling-loop.ts'

describe('PollingLoop', () => {
  it('keeps the last failed pass as lastError until a pass succeeds, reporting each failure', async () => {
    const outcomes = [new Error('db locked'), 'plain failure', null]
    const reported: unknown[] = []
    let passes = 0
    const seen: (string | null)[] = []
    let loop: PollingLoop
    const done = new Promise<void>((resolve) => {
      loop = new PollingLoop({
        intervalMs: 1,
        onError: (error) => reported.push(error),
        pass: async () => {
          if (passes > 0) seen.push(loop.lastError)
          const outcome = outcomes[passes++]
          if (outcome === null || passes > outcomes.length) {
            resolve()
            return
          }
          throw outcome
        },
      })
    })
    expect(loop!.lastError).toBeNull()
    loop!.start()
    await done
    await loop!.stop()
    expect(seen).toEqual(['db locked', 'plain failure'])
    expect(loop!.lastError).toBeNull()
    expect(reported).toHaveLength(2)
  })
})

describe('healthWithLastError', () => {
  it('is ok with the detail alone, degraded with the error appended and capped', () => {
    expect(healthWithLastError('passes 3', null)).toEqual({ status: 'ok', detail: 'passes 3' })
    const degraded = healthWithLastError('passes 3', 'x'.repeat(2000))
    expect(degraded.status).toBe('degraded')
    expect(degraded.detail?.startsWith('passes 3; last error: x')).toBe(true)
    expect(degraded.detail).toHaveLength(1000)
  })
})
