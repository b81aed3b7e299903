import { randomBytes } from 'node:crypto'
import type { Fields } from '../../framework/tcp.ts'

/**
 * Records one terminal session as asciicast v2 frames (`[seconds since start, code, data]`: `o` what
 * the terminal showed, `i` what the client typed, `r` a resize `COLSxROWS`, `m` a marker) and carries
 * them as events, so the ingest can store and the console replay the session with its timing:
 * - `tty_start` { sid, width, height, term, username, via }
 * - `tty_output` { sid, seq, frames (JSON array of frames), bytes } — chunks, in order from seq 0
 * - `tty_end` { sid, duration (s), frames, bytes, chunks, truncated [, cut_at (s)] }
 * Recorded data is capped per session (`maxBytes`): at the cap one `m` frame records the cut and the
 * rest of the session is only counted, and the connection's `limit_reached` names it.
 */

/** Recorded payload per session (characters of frame data), about an hour of busy typing. */
export const DEFAULT_MAX_RECORDING_BYTES = 1024 * 1024
/**
 * Largest `frames` text of one chunk, measured as it serialises inside the event's JSON line, so
 * a chunk always fits the decoys' 16 KiB event cap (which would otherwise cut the JSON in half).
 */
export const MAX_CHUNK_WIRE_BYTES = 12 * 1024
/** A frame's data is split into pieces of at most this many characters (a piece's worst case,
 *  all control characters, stays ~7 KiB once escaped twice). */
export const MAX_FRAME_CHARS = 1024
/** A chunk waiting this long is sent even when small, so a live session shows up while it runs. */
export const DEFAULT_FLUSH_MS = 2000

export type FrameCode = 'o' | 'i' | 'r' | 'm'
export type Frame = [seconds: number, code: FrameCode, data: string]

export type SessionRecorder = {
  readonly sid: string
  output(text: string): void
  input(data: Buffer): void
  resize(width: number, height: number): void
  /** Flushes and emits `tty_end`; later calls do nothing. */
  end(): void
}

export type RecorderOptions = {
  emit(event: string, fields: Fields): void
  /** Tells the connection a cap cut data (its `limit_reached` event). */
  limitReached?(limit: string, max: number): void
  username: string
  via: string
  width?: number
  height?: number
  term?: string
  maxBytes?: number
  flushMs?: number
  /** Milliseconds clock (tests). */
  now?(): number
}

const clampSize = (value: number | undefined, fallback: number) =>
  value !== undefined && Number.isInteger(value) && value > 0 && value <= 1000 ? value : fallback

/** The frame text's size once it is a string field inside the event's JSON line. */
const wireBytes = (frameJson: string) => Buffer.byteLength(JSON.stringify(frameJson)) - 2

export function createSessionRecorder(options: RecorderOptions): SessionRecorder {
  const now = options.now ?? Date.now
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RECORDING_BYTES
  const flushMs = options.flushMs ?? DEFAULT_FLUSH_MS
  const sid = randomBytes(8).toString('hex')
  const startedAt = now()
  let pending: string[] = []
  let pendingWire = 0
  let pendingBytes = 0
  let seq = 0
  let frames = 0
  let recordedBytes = 0
  let cutAt: number | undefined
  let ended = false
  let timer: NodeJS.Timeout | undefined

  const seconds = () => Math.round((now() - startedAt) * 1000) / 1_000_000

  const flush = () => {
    if (timer) {
      clearTimeout(timer)
      timer = undefined
    }
    if (pending.length === 0) return
    options.emit('tty_output', { sid, seq, frames: `[${pending.join(',')}]`, bytes: pendingBytes })
    seq++
    pending = []
    pendingWire = 0
    pendingBytes = 0
  }

  const push = (frame: Frame) => {
    const json = JSON.stringify(frame)
    const wire = wireBytes(json) + 1
    if (pendingWire + wire > MAX_CHUNK_WIRE_BYTES) flush()
    pending.push(json)
    pendingWire += wire
    pendingBytes += frame[2].length
    frames++
    if (!timer) {
      timer = setTimeout(flush, flushMs)
      timer.unref()
    }
  }

  const record = (code: FrameCode, data: string) => {
    if (ended || data.length === 0) return
    if (cutAt !== undefined) return
    const time = seconds()
    let rest = data
    if (recordedBytes + rest.length > maxBytes) {
      rest = rest.slice(0, Math.max(0, maxBytes - recordedBytes))
    }
    for (let at = 0; at < rest.length; at += MAX_FRAME_CHARS) {
      push([time, code, rest.slice(at, at + MAX_FRAME_CHARS)])
    }
    recordedBytes += rest.length
    if (rest.length < data.length) {
      cutAt = time
      push([time, 'm', `recording cut: ${maxBytes} characters recorded, the rest of the session was not`])
      options.limitReached?.('tty_bytes', maxBytes)
    }
  }

  options.emit('tty_start', {
    sid,
    width: clampSize(options.width, 80),
    height: clampSize(options.height, 24),
    term: (options.term ?? 'xterm').slice(0, 64),
    username: options.username.slice(0, 256),
    via: options.via,
  })

  return {
    sid,
    output: (text) => record('o', text),
    // Invalid UTF-8 from the client becomes U+FFFD: the recording stays valid JSON text.
    input: (data) => record('i', data.toString('utf8')),
    resize: (width, height) => record('r', `${clampSize(width, 80)}x${clampSize(height, 24)}`),
    end: () => {
      if (ended) return
      const duration = seconds()
      ended = true
      flush()
      options.emit('tty_end', {
        sid,
        duration,
        frames,
        bytes: recordedBytes,
        chunks: seq,
        truncated: cutAt !== undefined,
        ...(cutAt !== undefined ? { cut_at: cutAt } : {}),
      })
    },
  }
}
