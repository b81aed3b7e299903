import type { Fields } from '../../framework/tcp.ts'
import { fetchSample } from './downloads.ts'
import type { Persona } from './persona.ts'
import { createSessionRecorder } from './recorder.ts'
import { createShell, settle } from './shell.ts'

/** Longest command line kept; the rest is dropped and the command event flagged `truncated`. */
export const MAX_COMMAND_BYTES = 4096

export type LineEditor = {
  feed(data: Buffer): void
  /** Whether typed characters are echoed back (off while a password is typed). */
  echo: boolean
}

/**
 * A minimal terminal line discipline for clients in character mode (ssh with a pty, telnet):
 * echo, backspace, Ctrl-C, Ctrl-D, CR/LF/CR-NUL line ends, and escape sequences (arrow keys) ignored.
 * Line-mode clients (netcat, `ssh -T`) work too: whole lines simply arrive at once.
 */
export function createLineEditor(options: {
  write(text: string): void
  onLine(line: string, truncated: boolean): void
  onInterrupt(): void
  onEof(): void
  echo: boolean
}): LineEditor {
  let line = ''
  let truncated = false
  let skipNext = false
  let escapeState = 0
  const editor: LineEditor = {
    echo: options.echo,
    feed: (data) => {
      for (const byte of data) {
        if (skipNext) {
          skipNext = false
          if (byte === 0x0a || byte === 0x00) continue
        }
        if (escapeState > 0) {
          // ESC [ <params> <final>: swallow until a final byte (0x40–0x7e) after the bracket.
          if (escapeState === 1) escapeState = byte === 0x5b ? 2 : 0
          else if (byte >= 0x40 && byte <= 0x7e) escapeState = 0
          continue
        }
        if (byte === 0x0d || byte === 0x0a) {
          skipNext = byte === 0x0d
          if (editor.echo) options.write('\r\n')
          const done = line
          const wasTruncated = truncated
          line = ''
          truncated = false
          options.onLine(done, wasTruncated)
        } else if (byte === 0x7f || byte === 0x08) {
          if (line.length > 0) {
            line = line.slice(0, -1)
            if (editor.echo) options.write('\b \b')
          }
        } else if (byte === 0x03) {
          line = ''
          options.write('^C\r\n')
          options.onInterrupt()
        } else if (byte === 0x04) {
          if (line === '') options.onEof()
        } else if (byte === 0x1b) {
          escapeState = 1
        } else if (byte >= 0x20 || byte === 0x09) {
          if (line.length >= MAX_COMMAND_BYTES) {
            truncated = true
            continue
          }
          const char = String.fromCharCode(byte)
          line += char
          if (editor.echo) options.write(char)
        }
      }
    },
  }
  return editor
}

export type ShellSession = {
  feed(data: Buffer): void
  /** The client's terminal changed size (recorded). */
  resize(width: number, height: number): void
  /** The connection or channel is gone: ends the recording (idempotent). */
  end(): void
}

/**
 * Runs the fake shell over a character stream: prompt, line editing, one `command` event per
 * command line, `exit`/Ctrl-D end the session. Everything shown and typed is recorded as an
 * asciicast (recorder.ts), from the banner on.
 */
export function startShellSession(options: {
  persona: Persona
  user: string
  via: string
  pty: boolean
  write(text: string): void
  close(): void
  emit(event: string, fields: Fields): void
  banner?: string
  /** Where the login came from (the attacker's address), as `w` shows it. */
  from?: string
  /** The client's terminal as it announced it (pty request), for the recording's header. */
  terminal?: { width?: number; height?: number; term?: string }
  /** Tells the connection a cap cut the recording. */
  limitReached?(limit: string, max: number): void
  /** Recorded characters per session (tests lower it). */
  maxRecordingBytes?: number
}): ShellSession {
  const recorder = createSessionRecorder({
    emit: options.emit,
    username: options.user,
    via: options.via,
    ...options.terminal,
    ...(options.limitReached ? { limitReached: options.limitReached } : {}),
    ...(options.maxRecordingBytes !== undefined ? { maxBytes: options.maxRecordingBytes } : {}),
  })
  const write = (text: string) => {
    // A pipe's plain LF would replay as a staircase: the recording shows it as a terminal would.
    recorder.output(options.pty ? text : text.replace(/\r?\n/g, '\r\n'))
    options.write(text)
  }
  const close = () => {
    recorder.end()
    options.close()
  }
  const shell = createShell(options.persona, options.user, {
    session: { ...(options.from ? { from: options.from } : {}), loginMs: Date.now() },
    download: fetchSample,
    emit: options.emit,
    // The attacker's changes to the file tree are theirs again at their next login on this decky.
    ...(options.from ? { attacker: options.from } : {}),
    ...(options.limitReached ? { limitReached: options.limitReached } : {}),
    interactive: true,
  })
  // A terminal needs CRLF; a pipe (ssh -T, exec) wants plain LF like real bash.
  const out = (text: string) => write(options.pty ? text.replace(/\r?\n/g, '\r\n') : text)
  if (options.banner) out(options.banner)
  out(shell.prompt())
  // Lines run one after another: one typed while a download runs waits for it, as in a real tty.
  let queue: Promise<void> = Promise.resolve()
  let closed = false
  const later = (step: () => void | Promise<void>) => {
    queue = queue.then(() => (closed ? undefined : step()))
  }
  const end = () => {
    closed = true
    out('logout\n')
    close()
  }
  const editor = createLineEditor({
    echo: options.pty,
    write,
    onLine: (line, truncated) =>
      later(async () => {
        const command = line.trim()
        if (command !== '') {
          options.emit('command', {
            username: options.user,
            cmd: command,
            cwd: shell.cwd,
            via: options.via,
            ...(truncated ? { truncated: true } : {}),
          })
        }
        if ((await settle(shell.run(command), out)).exit) end()
        else out(shell.prompt())
      }),
    onInterrupt: () =>
      later(() => {
        shell.interrupt()
        out(shell.prompt())
      }),
    onEof: () => later(end),
  })
  return {
    feed: (data) => {
      recorder.input(data)
      editor.feed(data)
    },
    resize: recorder.resize,
    end: recorder.end,
  }
}
