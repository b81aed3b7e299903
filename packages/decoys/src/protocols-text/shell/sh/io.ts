/**
 * Streams between the fake shell's commands: text sinks with a size cap (pipes, command
 * substitution, redirections to files) and a readable input that `read` consumes line by line.
 */

/** Most characters one stream (a pipe, a `$( )`, a file written by `>`) holds; the rest is dropped. */
export const MAX_STREAM_CHARS = 1024 * 1024

export type Sink = { write(text: string): void }

export class BufferSink implements Sink {
  text = ''
  truncated = false
  constructor(private readonly max = MAX_STREAM_CHARS) {}
  write(text: string): void {
    const room = this.max - this.text.length
    if (text.length > room) this.truncated = true
    if (room > 0) this.text += text.length > room ? text.slice(0, room) : text
  }
}

export const NULL_SINK: Sink = { write: () => undefined }

export class Input {
  private pos = 0
  constructor(private readonly text: string) {}
  /** Everything not read yet (and marks it read). */
  rest(): string {
    const rest = this.text.slice(this.pos)
    this.pos = this.text.length
    return rest
  }
  /** The next line without its newline; undefined at the end. */
  line(): string | undefined {
    if (this.pos >= this.text.length) return undefined
    const end = this.text.indexOf('\n', this.pos)
    const line = this.text.slice(this.pos, end < 0 ? this.text.length : end)
    this.pos = end < 0 ? this.text.length : end + 1
    return line
  }
}
