// Attacker-controlled text on an operator's terminal: an escape sequence in a username or a command
// could move the cursor, retitle the window or hide lines. Every control character (C0, DEL, C1) and
// every bidirectional override is printed as a visible escape instead (`\x1b`, `\u202e`).

const UNSAFE_RE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu

function visibleEscape(char: string): string {
  const code = char.codePointAt(0) ?? 0
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

/** `text` with nothing a terminal would interpret: control and bidi characters shown as escapes. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_RE, visibleEscape)
}

/** Clips to `max` characters (after escaping, so an escape is never cut in half). */
export function clipped(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
