// The grouping worker's operator settings, stored under one Setting key (read at every step, so a
// change applies without a restart).
import type { DecnetDatabase } from '@decnet/db'
import { z } from 'zod'
import { ZEscalationFloor } from './escalation.ts'

export const INCIDENT_SETTINGS_KEY = 'incidents'

export const ZIncidentSettings = z.object({
  /** An IP quiet for longer than this starts a new incident. */
  quietWindowMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  /**
   * After an alert, at most one more per incident per this long: a digest of later activity, or
   * `escalated` when its severity rose meanwhile. This is what bounds a storm to one alert per source.
   */
  digestThrottleMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** A rise to this severity or above alerts at once, ignoring the throttle ('never': all rises wait). */
  escalateAtOnceFrom: ZEscalationFloor,
})
export type IncidentSettings = z.infer<typeof ZIncidentSettings>

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = {
  quietWindowMinutes: 30,
  digestThrottleMinutes: 15,
  // One notification per incident per throttle window by default, so a storm stays at one per
  // source (issue 15's bound); operators who want a successful login at once set 'high'.
  escalateAtOnceFrom: 'never',
}

/** Stored settings over the defaults; an invalid stored field falls back to its default alone. */
export async function readIncidentSettings(
  settings: Pick<DecnetDatabase['settings'], 'get'>,
): Promise<IncidentSettings> {
  const stored = await settings.get(INCIDENT_SETTINGS_KEY)
  if (typeof stored !== 'object' || stored === null) return { ...DEFAULT_INCIDENT_SETTINGS }
  const fields = stored as Record<string, unknown>
  const pick = <K extends keyof IncidentSettings>(key: K): IncidentSettings[K] => {
    const parsed = ZIncidentSettings.shape[key].safeParse(fields[key])
    return parsed.success ? (parsed.data as IncidentSettings[K]) : DEFAULT_INCIDENT_SETTINGS[key]
  }
  return {
    quietWindowMinutes: pick('quietWindowMinutes'),
    digestThrottleMinutes: pick('digestThrottleMinutes'),
    escalateAtOnceFrom: pick('escalateAtOnceFrom'),
  }
}

export function writeIncidentSettings(
  settings: Pick<DecnetDatabase['settings'], 'set'>,
  value: IncidentSettings,
): Promise<void> {
  return settings.set(INCIDENT_SETTINGS_KEY, ZIncidentSettings.parse(value))
}
