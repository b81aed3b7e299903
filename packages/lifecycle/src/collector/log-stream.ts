/**
 * Reading a Docker log stream: the multiplexed frame format (8-byte header: stream type, three zero
 * bytes, big-endian payload size), the `timestamps: true` prefix on every message, and positions.
 *
 * A position is the Docker timestamp of the last line processed (nanoseconds) plus how many lines
 * carried exactly that timestamp, because Docker's `since` is inclusive and two lines may share a
 * timestamp: resuming from a position skips exactly the lines already processed.
 */

export type StreamKind = 'stdout' | 'stderr'

export type LogLine = { stream: StreamKind; ts: bigint | undefined; text: string }

export type Position = { ts: bigint; n: number }

/** The serialised form kept in settings: `{ ts: "<seconds>.<nanoseconds>", n }`. */
export type StoredPosition = { ts: string; n: number }

const NANOS = 1_000_000_000n

/** `2026-11-25T21:00:00.123456789Z` (RFC 3339, fraction optional, any offset) → ns since epoch. */
export function parseDockerTimestamp(text: string): bigint | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text)
  if (!match) return undefined
  const seconds = Date.parse(`${match[1]}${match[3]}`)
  if (Number.isNaN(seconds)) return undefined
  const fraction = (match[2] ?? '').padEnd(9, '0')
  return (BigInt(seconds) / 1000n) * NANOS + BigInt(fraction)
}

/** Docker's `since` query value: `<seconds>.<nanoseconds>`. */
export function formatSince(ts: bigint): string {
  return `${ts / NANOS}.${String(ts % NANOS).padStart(9, '0')}`
}

export function storePosition(position: Position): StoredPosition {
  return { ts: formatSince(position.ts), n: position.n }
}

export function loadPosition(value: unknown): Position | undefined {
  if (!value || typeof value !== 'object') return undefined
  const { ts, n } = value as { ts?: unknown; n?: unknown }
  if (typeof ts !== 'string' || typeof n !== 'number' || !Number.isInteger(n) || n < 0) return undefined
  const match = /^(\d{1,12})\.(\d{9})$/.exec(ts)
  if (!match) return undefined
  return { ts: BigInt(match[1] as string) * NANOS + BigInt(match[2] as string), n }
}

/** Splits a multiplexed (non-TTY) Docker stream into frames, across arbitrary chunk boundaries. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0)

  /** Frames completed by this chunk. */
  push(chunk: Buffer): { stream: StreamKind; payload: Buffer }[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    const frames: { stream: StreamKind; payload: Buffer }[] = []
    let offset = 0
    while (this.buffer.length - offset >= 8) {
      const type = this.buffer[offset]
      const size = this.buffer.readUInt32BE(offset + 4)
      if (this.buffer.length - offset - 8 < size) break
      const payload = this.buffer.subarray(offset + 8, offset + 8 + size)
      // 0 = stdin (never sent), 1 = stdout, 2 = stderr.
      frames.push({ stream: type === 2 ? 'stderr' : 'stdout', payload })
      offset += 8 + size
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset)
    return frames
  }

  /** Bytes of an incomplete frame held back. */
  get buffered(): number {
    return this.buffer.length
  }
}

/**
 * Turns frames (each one Docker log message with its timestamp prefix) into complete lines. A long
 * line that Docker split into partial messages (no trailing newline) is reassembled and takes the
 * timestamp of its last part. A line that grows past `maxLineBytes` is cut off and reported once as
 * oversized (its text truncated), and the rest of it is discarded up to the next newline.
 */
export class LineAssembler {
  private partial: Record<StreamKind, { parts: string[]; bytes: number; oversized: boolean }> = {
    stdout: { parts: [], bytes: 0, oversized: false },
    stderr: { parts: [], bytes: 0, oversized: false },
  }

  constructor(private readonly maxLineBytes: number) {}

  push(stream: StreamKind, payload: Buffer): LogLine[] {
    let text = payload.toString('utf8')
    let ts: bigint | undefined
    const space = text.indexOf(' ')
    if (space > 0 && space <= 40) {
      ts = parseDockerTimestamp(text.slice(0, space))
      if (ts !== undefined) text = text.slice(space + 1)
    }
    const lines: LogLine[] = []
    const state = this.partial[stream]
    let start = 0
    for (;;) {
      const newline = text.indexOf('\n', start)
      const piece = newline === -1 ? text.slice(start) : text.slice(start, newline)
      if (!state.oversized) {
        state.bytes += Buffer.byteLength(piece)
        if (state.bytes > this.maxLineBytes) {
          state.oversized = true
          state.parts.push(piece)
          // Reported now (truncated) so the caller counts it; the remainder is skipped.
          lines.push({ stream, ts, text: state.parts.join('').slice(0, this.maxLineBytes + 1) })
          state.parts = []
        } else {
          state.parts.push(piece)
        }
      }
      if (newline === -1) break
      if (!state.oversized) {
        const line = state.parts.length === 1 ? (state.parts[0] as string) : state.parts.join('')
        if (line.length > 0) lines.push({ stream, ts, text: line.endsWith('\r') ? line.slice(0, -1) : line })
      }
      state.parts = []
      state.bytes = 0
      state.oversized = false
      start = newline + 1
      if (start >= text.length) break
    }
    return lines
  }
}
