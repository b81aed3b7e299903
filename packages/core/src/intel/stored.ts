// The intelligence columns as stored (JSON text), read back defensively: a row written by an older
// or newer rule set must never break a read.
import {
  ATTACKER_CLASSES,
  type AttackerClass,
  BEHAVIOUR_COUNTERS,
  type BehaviourCounter,
  type BehaviourCounters,
} from './types.ts'

export function parseBehaviour(json: string): BehaviourCounters {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return {}
  }
  if (typeof value !== 'object' || value === null) return {}
  const counters: BehaviourCounters = {}
  for (const key of BEHAVIOUR_COUNTERS) {
    const count = (value as Record<BehaviourCounter, unknown>)[key]
    if (typeof count === 'number' && Number.isFinite(count) && count > 0) counters[key] = count
  }
  return counters
}

export function toAttackerClass(value: string): AttackerClass {
  return (ATTACKER_CLASSES as readonly string[]).includes(value) ? (value as AttackerClass) : 'unknown'
}
