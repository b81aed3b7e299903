'use client'

import { type ReactNode, useState } from 'react'

// Attacker-controlled text is only ever rendered as React text nodes (escaped by React). Control and
// invisible formatting characters become visible escapes so they can neither hide content nor
// reorder it (bidi overrides), and long values are cut with an explicit "show all".

// C0 controls except none, DEL, C1 controls, zero-width and bidi formatting characters, BOM.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g

function escapeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0
  if (char === '\n') return '\\n'
  if (char === '\r') return '\\r'
  if (char === '\t') return '\\t'
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

/** Text nodes with every invisible character replaced by a highlighted escape. */
export function visibleText(text: string): ReactNode[] {
  const parts: ReactNode[] = []
  let last = 0
  for (const match of text.matchAll(INVISIBLE)) {
    const index = match.index ?? 0
    if (index > last) parts.push(text.slice(last, index))
    parts.push(
      <span
        key={index}
        className="ctrl"
        title={`control character U+${(match[0].codePointAt(0) ?? 0).toString(16)}`}
      >
        {escapeChar(match[0])}
      </span>,
    )
    last = index + match[0].length
  }
  if (last < text.length) parts.push(text.slice(last))
  return parts
}

const HARD_CAP = 65_536

export function SafeText({ value, limit = 200 }: { value: unknown; limit?: number }) {
  const [expanded, setExpanded] = useState(false)
  const text =
    typeof value === 'string' ? value : value === undefined ? '' : (JSON.stringify(value) ?? String(value))
  const long = text.length > limit
  const cap = expanded ? HARD_CAP : limit
  const shown = text.length > cap ? text.slice(0, cap) : text
  return (
    <span className="safe-text" data-testid="safe-text">
      {visibleText(shown)}
      {long && (
        <>
          {!expanded || text.length > HARD_CAP ? '… ' : ' '}
          <button
            type="button"
            className="link small"
            onClick={() => setExpanded(!expanded)}
            aria-expanded={expanded}
          >
            {expanded
              ? text.length > HARD_CAP
                ? `show less (first ${HARD_CAP.toLocaleString('en')} of ${text.length.toLocaleString('en')} chars shown)`
                : 'show less'
              : `show all ${text.length.toLocaleString('en')} chars`}
          </button>
        </>
      )}
    </span>
  )
}

/** A table cell of attacker-influenced text (see SafeText). */
export function SafeCell({ value, limit, className }: { value: string; limit: number; className?: string }) {
  return (
    <td className={className}>
      <SafeText value={value} limit={limit} />
    </td>
  )
}
