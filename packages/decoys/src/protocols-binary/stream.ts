import type { TcpHandler, TcpSession } from '../framework/tcp.ts'

/**
 * Reassembles a binary TCP stream into protocol frames. `consume` sees everything buffered so far
 * and returns how many bytes it used (0 = wait for more). The buffer is capped: a peer that
 * announces a huge frame or never completes one is disconnected instead of growing our memory,
 * and any exception from a parser closes only that connection.
 */
export function framed(
  session: TcpSession,
  consume: (buffered: Buffer) => number,
  options: { maxBuffer?: number; onClose?: () => void } = {},
): TcpHandler {
  const maxBuffer = options.maxBuffer ?? 64 * 1024
  let buffered: Buffer = Buffer.alloc(0)
  return {
    onData(chunk) {
      if (session.socket.destroyed) return
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
      try {
        while (buffered.length > 0 && !session.socket.destroyed) {
          const used = consume(buffered)
          if (used <= 0) break
          buffered = buffered.subarray(Math.min(used, buffered.length))
        }
      } catch {
        session.socket.destroy()
        return
      }
      if (buffered.length > maxBuffer) {
        session.limitReached('frame_bytes', maxBuffer)
        session.socket.destroy()
      }
    },
    onClose: options.onClose,
  }
}

/** Signals a frame whose declared sizes contradict its bytes; callers drop the connection. */
export class MalformedFrame extends Error {}

/** Bounds-checked little/big-endian reads over attacker bytes: every read past the end throws. */
export class ByteReader {
  offset: number
  constructor(
    readonly buffer: Buffer,
    offset = 0,
  ) {
    this.offset = offset
  }
  get remaining(): number {
    return Math.max(0, this.buffer.length - this.offset)
  }
  private need(count: number): number {
    if (count < 0 || this.offset + count > this.buffer.length) throw new MalformedFrame('truncated')
    const at = this.offset
    this.offset += count
    return at
  }
  u8(): number {
    return this.buffer.readUInt8(this.need(1))
  }
  u16le(): number {
    return this.buffer.readUInt16LE(this.need(2))
  }
  u16be(): number {
    return this.buffer.readUInt16BE(this.need(2))
  }
  u32le(): number {
    return this.buffer.readUInt32LE(this.need(4))
  }
  i32le(): number {
    return this.buffer.readInt32LE(this.need(4))
  }
  bytes(count: number): Buffer {
    const at = this.need(count)
    return this.buffer.subarray(at, at + count)
  }
  skip(count: number): void {
    this.need(count)
  }
  /** NUL-terminated string; throws when no terminator is present. */
  cstring(encoding: BufferEncoding = 'utf8'): string {
    const end = this.buffer.indexOf(0, this.offset)
    if (end === -1) throw new MalformedFrame('unterminated string')
    const value = this.buffer.toString(encoding, this.offset, end)
    this.offset = end + 1
    return value
  }
}

/** Slices `length` bytes at `offset` only when they lie inside the buffer. */
export function sliceWithin(buffer: Buffer, offset: number, length: number): Buffer | undefined {
  if (offset < 0 || length < 0 || offset + length > buffer.length) return undefined
  return buffer.subarray(offset, offset + length)
}
