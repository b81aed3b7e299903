import type { LogFieldKey } from '@decnet/core'
import { COLUMN_KEYS, type DecnetDatabase, FIELD_ALIASES, SCOPE_KEYS } from '@decnet/db'

/** A new kind of decoy event shows up in the completions within seconds; typing never costs a query a keystroke. */
export const FIELD_KEYS_TTL_MS = 10_000

const COLUMN_HINTS: Record<string, string> = {
  decky: 'decky name (exact)',
  service: 'service name, e.g. ssh (exact)',
  event: 'event type, e.g. auth_attempt (exact)',
  type: 'event type (same as event:)',
  attacker: 'attacker address (exact)',
  ip: 'attacker address (same as attacker:)',
}
const SCOPE_HINTS: Record<(typeof SCOPE_KEYS)[number], string> = {
  last: 'time window, e.g. last:2h',
  from: 'start, ISO-8601 date or time',
  to: 'end, ISO-8601 date or time',
  system: "DECNET's own probes: true, false or any",
}

/** The grammar's own keys: always offered, whatever has been captured. */
export function grammarKeys(): LogFieldKey[] {
  return [
    ...Object.keys(COLUMN_KEYS).map((name) => ({
      name,
      kind: 'column' as const,
      hint: COLUMN_HINTS[name] ?? 'exact match',
    })),
    ...Object.entries(FIELD_ALIASES).map(([name, field]) => ({
      name,
      kind: 'alias' as const,
      hint: `the ${field} field`,
    })),
    ...SCOPE_KEYS.map((name) => ({ name, kind: 'scope' as const, hint: SCOPE_HINTS[name] })),
  ]
}

const cache = new WeakMap<DecnetDatabase, { at: number; keys: Promise<LogFieldKey[]> }>()

/**
 * Grammar keys, then the field keys of recent events (a bounded read, cached per database for
 * FIELD_KEYS_TTL_MS so typing in the search box never costs a query per keystroke).
 */
export function searchKeys(db: DecnetDatabase, now = Date.now()): Promise<LogFieldKey[]> {
  const cached = cache.get(db)
  if (cached && now - cached.at < FIELD_KEYS_TTL_MS) return cached.keys
  const builtIn = grammarKeys()
  const taken = new Set(builtIn.map((key) => key.name))
  const keys = db.logFields.recentKeys().then((captured) => [
    ...builtIn,
    ...captured
      .filter((key) => !taken.has(key.name))
      .map((key) => ({
        name: key.name,
        kind: 'field' as const,
        hint: `captured field (${key.count} of recent events)`,
      })),
  ])
  // A failed read is not cached: the next call tries again.
  keys.catch(() => cache.delete(db))
  cache.set(db, { at: now, keys })
  return keys
}
