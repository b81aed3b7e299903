import { describe, expect, it } from 'vitest'
import { parseSince } from '../src/cli/since.ts'

describe('decnet audit --since', () => {
  const now = Date.UTC(2026, 11, 3, 12, 0, 0)
  it('takes how long ago or an ISO-8601 time', () => {
    expect(parseSince('30m', now)).toBe('2026-12-03T11:30:00.000Z')
    expect(parseSince('2d', now)).toBe('2026-12-01T12:00:00.000Z')
    expect(parseSince('2026-12-01T08:00:00Z', now)).toBe('2026-12-01T08:00:00.000Z')
  })
  it('refuses anything else', () => {
    expect(() => parseSince('yesterday', now)).toThrow('--since: "yesterday"')
    expect(() => parseSince('12', now)).toThrow('--since')
  })
})
