import type { Log } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { logLine, logSummary } from '../src/cli/log-line.ts'
import { renderTable } from '../src/cli/table.ts'
import { terminalSafe } from '../src/cli/terminal-text.ts'

const row = (fields: Log['fields'], extra: Partial<Log> = {}): Log => ({
  id: '7',
  timestamp: '2026-12-03T18:00:00.000Z',
  decky: 'web-01',
  service: 'ssh',
  eventType: 'login_attempt',
  attackerIp: '203.0.113.9',
  fields,
  system: false,
  ...extra,
})

describe('CLI output', () => {
  it('shows control and bidi characters as visible escapes', () => {
    expect(terminalSafe('a\u001b[2Jb\u0007c\u009bd\u202eé')).toBe('a\\x1b[2Jb\\x07c\\x9bd\\u202eé')
    expect(terminalSafe('line\nnext\r')).toBe('line\\x0anext\\x0d')
  })

  it('prints one line an event: time, decky, service, event, attacker, summary', () => {
    const line = logLine(row({ password: 'x', username: 'root\u001b]0;pwned\u0007', port: 22 }))
    expect(line.split('\n')).toHaveLength(1)
    expect(line).toMatch(
      /^2026-12-03T18:00:00.000Z web-01 +ssh +login_attempt +203\.0\.113\.9 +username=root\\x1b\]0;pwned\\x07 password=x port=22$/,
    )
    expect(line).not.toMatch(/\p{Cc}/u)
  })

  it('clips a long summary to one short line', () => {
    const summary = logSummary({ command: 'A'.repeat(5_000) })
    expect(summary.length).toBeLessThanOrEqual(120)
    expect(summary.endsWith('…')).toBe(true)
  })

  it('pads columns under a header row', () => {
    const table = renderTable(
      [
        { header: 'NAME', cell: (r: { name: string; n: number }) => r.name },
        { header: 'N', cell: (r) => String(r.n), alignRight: true },
        { header: 'LAST', cell: () => 'x' },
      ],
      [
        { name: 'a', n: 10 },
        { name: 'longer', n: 2 },
      ],
    )
    expect(table.split('\n')).toEqual(['NAME     N  LAST', 'a       10  x', 'longer   2  x'])
  })
})
