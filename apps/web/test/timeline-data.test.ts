import { describe, expect, it } from 'vitest'
import { stackedColumns, timelineSeries } from '@/components/charts/timeline-data.ts'

const at = (minute: number) => Date.UTC(2026, 11, 3, 10, minute)
const iso = (minute: number) => new Date(at(minute)).toISOString()

describe('timeline series', () => {
  it('fills every bucket of the window, one series per service, busiest first', () => {
    const shaped = timelineSeries(
      [
        { t: iso(0), service: 'http', count: 1 },
        { t: iso(0), service: 'ssh', count: 4 },
        { t: iso(20), service: 'ssh', count: 2 },
        { t: iso(20), service: 'smb', count: 1 },
      ],
      10,
      { fromMs: at(0), toMs: at(30) },
    )
    expect(shaped.x).toEqual([at(0), at(10), at(20), at(30)].map((ms) => ms / 1000))
    expect(shaped.total).toBe(8)
    expect(shaped.series).toEqual([
      { service: 'ssh', counts: [4, 0, 2, 0], total: 6 },
      { service: 'http', counts: [1, 0, 0, 0], total: 1 },
      { service: 'smb', counts: [0, 0, 1, 0], total: 1 },
    ])
  })

  it('without a start, begins at the first bucket with data; rows outside the window are dropped', () => {
    const shaped = timelineSeries(
      [
        { t: iso(20), service: 'ssh', count: 2 },
        { t: iso(90), service: 'ssh', count: 5 },
      ],
      10,
      { toMs: at(30) },
    )
    expect(shaped.x[0]).toBe(at(20) / 1000)
    expect(shaped.total).toBe(2)
  })

  it('stacks from the top: each column sums its own series and every one after it', () => {
    const series = [
      { service: 'ssh', counts: [4, 0, 2], total: 6 },
      { service: 'http', counts: [1, 0, 0], total: 1 },
      { service: 'smb', counts: [0, 3, 1], total: 4 },
    ]
    expect(stackedColumns(series, 3)).toEqual([
      [5, 3, 3],
      [1, 3, 1],
      [0, 3, 1],
    ])
  })
})
