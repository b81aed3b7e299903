// When a rise in an incident's severity is worth an alert before its throttle window ends.
import { compareSeverity, type Severity, ZSeverity } from '@decnet/core'
import { z } from 'zod'

/** The lowest severity whose arrival alerts at once, or 'never' (every rise waits for the throttle). */
export const ZEscalationFloor = z.union([ZSeverity, z.literal('never')])
export type EscalationFloor = z.infer<typeof ZEscalationFloor>

/** True when the incident rose from `before` to `now` and `now` reaches the floor. */
export function escalatesAtOnce(now: Severity, before: Severity, floor: EscalationFloor): boolean {
  return floor !== 'never' && compareSeverity(now, before) > 0 && compareSeverity(now, floor) >= 0
}
