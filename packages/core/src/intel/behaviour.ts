// What one event adds to its attacker's behaviour counters (types.ts BEHAVIOUR_COUNTERS), as data.
import type { FieldReader } from './rules/engine.ts'
import type { BehaviourCounter, BehaviourCounters } from './types.ts'

/** Services whose `command` events are shell command lines (the rest are protocol verbs). */
export const SHELL_SERVICES: ReadonlySet<string> = new Set(['ssh', 'telnet'])

/** `command.via` values of a shell a client talks to line by line (not `ssh host cmd`). */
const INTERACTIVE_VIA: ReadonlySet<string> = new Set(['ssh', 'telnet'])

/** Event types that count one each, whatever their fields. */
const COUNTED: Readonly<Record<string, BehaviourCounter>> = {
  connect: 'connections',
  request: 'requests',
  scan: 'probePayloads',
  tty_start: 'interactiveSessions',
  // Files brought onto the decky, fetched from inside (download) or pushed in (scp/ftp upload).
  download: 'downloads',
  upload: 'downloads',
}

export function behaviourOf(eventType: string, service: string, read: FieldReader): BehaviourCounters {
  const counter = COUNTED[eventType]
  if (counter) return { [counter]: 1 }
  if (eventType === 'auth_attempt') {
    return read('success') === 'false' ? { authAttempts: 1, authFailures: 1 } : { authAttempts: 1 }
  }
  if (eventType === 'command') {
    if (!SHELL_SERVICES.has(service)) return { requests: 1 }
    return INTERACTIVE_VIA.has(read('via') ?? '') ? { interactiveCommands: 1 } : { execCommands: 1 }
  }
  return {}
}

/** Adds `more` into `into` (the ingest sums an attacker's events of a batch this way). */
export function addBehaviour(into: BehaviourCounters, more: BehaviourCounters): BehaviourCounters {
  for (const [key, count] of Object.entries(more) as [BehaviourCounter, number][]) {
    into[key] = (into[key] ?? 0) + count
  }
  return into
}
