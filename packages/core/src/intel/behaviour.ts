// What one event adds to its attacker's behaviour counters (types.ts BEHAVIOUR_COUNTERS), as data.
import type { FieldReader } from './rules/engine.ts'
import type { BehaviourCounter, BehaviourCounters } from './types.ts'

/** Services whose `command` events are shell command lines (the rest are protocol verbs). */
export const SHELL_SERVICES: ReadonlySet<string> = new Set(['ssh', 'telnet'])

/** `command.via` values of a shell a client talks to line by line (not `ssh host cmd`). */
const INTERACTIVE_VIA: ReadonlySet<string> = new Set(['ssh', 'telnet'])

/**
 * What one event adds, by event type. A switch of literal objects: a computed key (`{ [name]: 1 }`)
 * is a slow path in V8 and this runs once per ingested event.
 */
export function behaviourOf(eventType: string, service: string, read: FieldReader): BehaviourCounters {
  switch (eventType) {
    case 'connect':
      return { connections: 1 }
    case 'request':
      return { requests: 1 }
    case 'scan':
      return { probePayloads: 1 }
    case 'tty_start':
      return { interactiveSessions: 1 }
    // Files brought onto the decky, fetched from inside (download) or pushed in (scp/ftp upload).
    case 'download':
    case 'upload':
      return { downloads: 1 }
    case 'auth_attempt':
      return read.get('success') === 'false' ? { authAttempts: 1, authFailures: 1 } : { authAttempts: 1 }
    case 'command':
      if (!SHELL_SERVICES.has(service)) return { requests: 1 }
      return INTERACTIVE_VIA.has(read.get('via') ?? '') ? { interactiveCommands: 1 } : { execCommands: 1 }
    default:
      return {}
  }
}

/** Adds `more` into `into` (the ingest sums an attacker's events of a batch this way). */
export function addBehaviour(into: BehaviourCounters, more: BehaviourCounters): BehaviourCounters {
  for (const [key, count] of Object.entries(more) as [BehaviourCounter, number][]) {
    into[key] = (into[key] ?? 0) + count
  }
  return into
}
