'use client'

import { useQuery } from '@tanstack/react-query'
import { type KeyboardEvent, type RefObject, useId, useMemo, useState } from 'react'
import { useTRPC } from '@/trpc/client.ts'
import '@/styles/logs.css'

const MAX_SUGGESTIONS = 8
/** Working examples (each runs as typed): the placeholder and the syntax help show these. */
export const SEARCH_EXAMPLES = ['service:ssh user:root', 'wget OR curl', 'attacker:10.0.0.5 last:2h']

/** The word being typed at the caret (after a space or parenthesis), if it can still become a key. */
function keyPrefixAt(text: string, caret: number): { start: number; prefix: string } | null {
  let start = caret
  while (start > 0 && !/[\s()]/.test(text[start - 1] as string)) start--
  const word = text.slice(start, caret)
  if (word.includes(':') || word.includes('"') || !/^[\p{L}\p{N}_.-]*$/u.test(word)) return null
  // NOT/-prefixed words complete too: the key starts after the operator.
  return { start, prefix: word }
}

/**
 * The search input with key completion: typing the start of a key lists matching keys (the grammar's
 * and the captured fields, from logs.fields); ↑/↓ choose, Enter or Tab takes one, Escape closes.
 */
export function LogSearchBox({
  value,
  onChange,
  inputRef,
  invalid,
  errorId,
}: {
  value: string
  onChange: (value: string) => void
  inputRef: RefObject<HTMLInputElement | null>
  invalid: boolean
  errorId: string
}) {
  const trpc = useTRPC()
  const listId = useId()
  const fields = useQuery(trpc.logs.fields.queryOptions(undefined, { staleTime: 10_000 }))
  const [caret, setCaret] = useState(0)
  const [active, setActive] = useState(0)
  const [dismissed, setDismissed] = useState(false)

  const word = keyPrefixAt(value, caret)
  const suggestions = useMemo(() => {
    if (!word || word.prefix === '' || !fields.data) return []
    const prefix = word.prefix.toLowerCase()
    return fields.data.keys
      .filter((key) => key.name.toLowerCase().startsWith(prefix) && key.name.toLowerCase() !== prefix)
      .slice(0, MAX_SUGGESTIONS)
  }, [word, fields.data])
  const open = !dismissed && suggestions.length > 0
  const activeIndex = Math.min(active, suggestions.length - 1)

  const take = (name: string) => {
    if (!word) return
    const next = `${value.slice(0, word.start)}${name}:${value.slice(caret)}`
    const position = word.start + name.length + 1
    onChange(next)
    setCaret(position)
    setDismissed(true)
    requestAnimationFrame(() => inputRef.current?.setSelectionRange(position, position))
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (!open) return
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      setActive((activeIndex + step + suggestions.length) % suggestions.length)
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      const chosen = suggestions[activeIndex]
      if (!chosen) return
      event.preventDefault()
      take(chosen.name)
    } else if (event.key === 'Escape') {
      event.preventDefault()
      setDismissed(true)
    }
  }

  return (
    <div className="log-search">
      <input
        ref={inputRef}
        type="search"
        name="q"
        value={value}
        onChange={(event) => {
          onChange(event.target.value)
          setCaret(event.target.selectionStart ?? event.target.value.length)
          setActive(0)
          setDismissed(false)
        }}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart ?? 0)}
        onKeyDown={onKeyDown}
        onBlur={() => setDismissed(true)}
        placeholder={`e.g. ${SEARCH_EXAMPLES.join('  ·  ')}`}
        maxLength={512}
        autoComplete="off"
        spellCheck={false}
        role="combobox"
        aria-label="Search query"
        aria-keyshortcuts="/"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${activeIndex}` : undefined}
        aria-invalid={invalid}
        aria-describedby={invalid ? errorId : undefined}
        title="Search (press / to focus)"
        data-testid="search-input"
      />
      {open && (
        <div id={listId} role="listbox" aria-label="Search keys" className="log-suggestions">
          {suggestions.map((key, index) => (
            <div
              key={key.name}
              id={`${listId}-${index}`}
              role="option"
              tabIndex={-1}
              aria-selected={index === activeIndex}
              data-testid="search-suggestion"
              onMouseDown={(event) => {
                event.preventDefault() // keep the focus in the input
                take(key.name)
              }}
            >
              <span className="mono">{key.name}:</span> <span className="muted">{key.hint}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  )
}
