/**
 * Drops lines Docker delivers twice on one log stream. When a json-file log rotates under a
 * following reader, the daemon (seen on 20.10) sends lines it already sent again (up to a few at
 * once), a fraction of a millisecond older than the newest line: without this, every rotation stores duplicates.
 *
 * A line is a replay when it is not newer than the newest line seen and an identical record (same
 * nanosecond timestamp, stream and text) is among the last `window` lines. A line that is merely
 * out of order (stdout and stderr are timestamped by separate copiers) has no identical record and
 * passes; so does every line newer than all before it, which is the common case and costs one
 * comparison plus remembering its key.
 */
import type { LogLine } from './log-stream.ts'

/** Replays seen so far come from the last few dozen lines; this leaves a wide margin at high rates. */
const DEFAULT_WINDOW = 2048

export class ReplayFilter {
  private readonly window: number
  private readonly recent = new Set<string>()
  private readonly order: string[] = []
  private newest: bigint | undefined

  constructor(window = DEFAULT_WINDOW) {
    this.window = window
  }

  /** True when `line` was already delivered on this stream (drop it); otherwise remembers it. */
  isReplay(line: LogLine): boolean {
    if (line.ts === undefined) return false
    // A nanosecond timestamp, stream, length and opening identify a record; keys stay small.
    const key = `${line.ts}|${line.stream}|${line.text.length}|${line.text.slice(0, 64)}`
    if (this.newest !== undefined && line.ts <= this.newest && this.recent.has(key)) return true
    if (this.newest === undefined || line.ts > this.newest) this.newest = line.ts
    this.recent.add(key)
    this.order.push(key)
    if (this.order.length > this.window) this.recent.delete(this.order.shift() as string)
    return false
  }
}
