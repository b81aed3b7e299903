import type { WorkerRow } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { workerState, workersTable } from '../src/cli/workers-command.ts'

const row = (overrides: Partial<WorkerRow>): WorkerRow => ({
  worker: 'mutator',
  status: 'ok',
  detail: 'ticks 4',
  beatAt: '2026-12-03T10:00:00.000Z',
  ageSeconds: 3,
  stale: false,
  pausable: true,
  paused: false,
  lag: [],
  ...overrides,
})

describe('decnet workers', () => {
  it('names the state: silent beats paused beats the last status', () => {
    expect(workerState(row({}))).toBe('running')
    expect(workerState(row({ paused: true }))).toBe('paused')
    expect(workerState(row({ status: 'degraded' }))).toBe('degraded')
    expect(workerState(row({ status: 'failed' }))).toBe('failing')
    expect(workerState(row({ paused: true, stale: true }))).toBe('silent')
  })

  it('prints one row a worker, the detail made terminal-safe', () => {
    const table = workersTable([
      row({}),
      row({
        worker: 'collector',
        detail: 'lag \u001b[31m2 s',
        ageSeconds: 41,
        stale: true,
        lag: [
          { hostId: 'local', host: 'local', behindSince: null, lagSeconds: 0 },
          { hostId: 'h2', host: 'edge-2', behindSince: '2026-12-03T09:59:00.000Z', lagSeconds: 60 },
        ],
      }),
    ])
    expect(table.split('\n')).toEqual([
      expect.stringMatching(/^WORKER\s+STATE\s+LAST BEAT\s+LAG\s+DETAIL$/),
      expect.stringMatching(/^mutator\s+running\s+3s ago\s+ticks 4$/),
      expect.stringMatching(/^collector\s+silent\s+41s ago\s+local 0s, edge-2 60s\s+lag \\x1b\[31m2 s$/),
    ])
  })
})
