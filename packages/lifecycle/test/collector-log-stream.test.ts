import { describe, expect, it } from 'vitest'
import {
  FrameDecoder,
  formatSince,
  LineAssembler,
  loadPosition,
  parseDockerTimestamp,
  storePosition,
} from '../src/collector/log-stream.ts'
import { ReplayFilter } from '../src/collector/replay-filter.ts'

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8')
  const header = Buffer.alloc(8)
  header[0] = stream
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

describe('Docker timestamps and positions', () => {
  it('parses RFC 3339 with trimmed nanoseconds and round-trips through `since`', () => {
    const ts = parseDockerTimestamp('2026-11-25T21:00:00.1234567Z')
    expect(ts).toBe(1_795_640_400_123_456_700n)
    expect(formatSince(ts as bigint)).toBe('1795640400.123456700')
    expect(parseDockerTimestamp('2026-11-25T21:00:00Z')).toBe(1_795_640_400_000_000_000n)
    expect(parseDockerTimestamp('2026-11-25T22:00:00.5+01:00')).toBe(1_795_640_400_500_000_000n)
    expect(parseDockerTimestamp('not a time')).toBeUndefined()
  })

  it('stores and loads positions, rejecting junk', () => {
    const position = { ts: 1_795_640_400_000_000_042n, n: 3 }
    expect(storePosition(position)).toEqual({ ts: '1795640400.000000042', n: 3 })
    expect(loadPosition(storePosition(position))).toEqual(position)
    for (const junk of [
      undefined,
      null,
      'x',
      { ts: 1, n: 1 },
      { ts: '1.2', n: 1 },
      { ts: '1.000000000', n: -1 },
    ]) {
      expect(loadPosition(junk)).toBeUndefined()
    }
  })
})

describe('FrameDecoder', () => {
  it('splits multiplexed frames across arbitrary chunk boundaries', () => {
    const bytes = Buffer.concat([frame(1, 'hello\n'), frame(2, 'oops\n'), frame(1, 'é€😀\n')])
    for (let size = 1; size <= bytes.length; size++) {
      const decoder = new FrameDecoder()
      const frames: string[] = []
      for (let offset = 0; offset < bytes.length; offset += size) {
        for (const f of decoder.push(bytes.subarray(offset, offset + size))) {
          frames.push(`${f.stream}:${f.payload.toString('utf8')}`)
        }
      }
      expect(frames).toEqual(['stdout:hello\n', 'stderr:oops\n', 'stdout:é€😀\n'])
      expect(decoder.buffered).toBe(0)
    }
  })
})

describe('LineAssembler', () => {
  const T1 = '2026-11-25T21:00:00.000000001Z'
  const T2 = '2026-11-25T21:00:00.000000002Z'

  it('strips the timestamp prefix and yields one line per message', () => {
    const assembler = new LineAssembler(1000)
    expect(assembler.push('stdout', Buffer.from(`${T1} {"a":1}\n`))).toEqual([
      { stream: 'stdout', ts: 1_795_640_400_000_000_001n, text: '{"a":1}' },
    ])
  })

  it('reassembles partial messages (no trailing newline) and gives the line the last timestamp', () => {
    const assembler = new LineAssembler(1000)
    expect(assembler.push('stdout', Buffer.from(`${T1} {"part":`))).toEqual([])
    expect(assembler.push('stderr', Buffer.from(`${T1} diag\n`))).toHaveLength(1)
    expect(assembler.push('stdout', Buffer.from(`${T2} "two"}\n`))).toEqual([
      { stream: 'stdout', ts: 1_795_640_400_000_000_002n, text: '{"part":"two"}' },
    ])
  })

  it('reports an oversized line once, truncated, and skips the rest of it', () => {
    const assembler = new LineAssembler(10)
    const out = [
      ...assembler.push('stdout', Buffer.from(`${T1} 0123456789ABC`)),
      ...assembler.push('stdout', Buffer.from(`${T1} more-of-the-same-line`)),
      ...assembler.push('stdout', Buffer.from(`${T2} tail\n`)),
      ...assembler.push('stdout', Buffer.from(`${T2} ok\n`)),
    ]
    expect(out.map((line) => line.text)).toEqual(['0123456789A', 'ok'])
  })
})

describe('ReplayFilter', () => {
  const line = (ts: bigint, text: string, stream: 'stdout' | 'stderr' = 'stdout') => ({ stream, ts, text })

  it('drops a line sent again after newer ones, keeps out-of-order and same-timestamp distinct lines', () => {
    const filter = new ReplayFilter()
    expect(filter.isReplay(line(100n, 'a'))).toBe(false)
    expect(filter.isReplay(line(200n, 'b'))).toBe(false)
    expect(filter.isReplay(line(300n, 'c'))).toBe(false)
    // Rotation: Docker sends b and c again.
    expect(filter.isReplay(line(200n, 'b'))).toBe(true)
    expect(filter.isReplay(line(300n, 'c'))).toBe(true)
    // Older but never seen (stderr's copier stamped it earlier): kept.
    expect(filter.isReplay(line(250n, 'late', 'stderr'))).toBe(false)
    // Same timestamp, different record: kept; the same text on the other stream: kept.
    expect(filter.isReplay(line(300n, 'c2'))).toBe(false)
    expect(filter.isReplay(line(300n, 'c', 'stderr'))).toBe(false)
    expect(filter.isReplay(line(400n, 'd'))).toBe(false)
  })

  it('remembers only its window of lines', () => {
    const filter = new ReplayFilter(2)
    filter.isReplay(line(1n, 'x'))
    filter.isReplay(line(2n, 'y'))
    filter.isReplay(line(3n, 'z'))
    expect(filter.isReplay(line(1n, 'x'))).toBe(false)
    expect(filter.isReplay(line(3n, 'z'))).toBe(true)
  })
})
